"""Run Kenanga's periodic jobs once, for installations without Celery beat (cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Runs the periodic jobs listed in config/celery.py (reminders, housekeeping) now, "
        "in this process. Each job runs at most once a day, so cron and beat may both be set up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", default=[], metavar="JOB", help="run only this job"
        )
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")

    def handle(self, *args, only, list, **options):
        from config.celery import app

        app.loader.import_default_modules()  # autodiscovery of tasks is lazy
        schedule = app.conf.beat_schedule
        if list:
            for name, entry in schedule.items():
                self.stdout.write(f"{name}\t{entry['schedule']}")
            return
        unknown = sorted(set(only) - set(schedule))
        if unknown:
            raise CommandError(
                f"Unknown job: {', '.join(unknown)}. Known: {', '.join(sorted(schedule))}"
            )
        failed = []
        for name, entry in schedule.items():
            if only and name not in only:
                continue
            task = app.tasks[entry["task"]]
            try:
                result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
                value = result.get(propagate=True)
            except Exception as exc:  # noqa: BLE001 - report every job, then fail
                failed.append(name)
                self.stderr.write(f"{name}: GAGAL: {exc}")
                continue
            self.stdout.write(f"{name}: {value}")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}")
