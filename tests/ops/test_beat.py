"""Celery beat, as shipped, sends every periodic job through Redis to a real worker."""

from __future__ import annotations

import datetime as dt
import re
import sys

from django.utils import timezone

from beneficiaries.models import Complaint
from core.models import PeriodicRun
from core.roles import Role
from tests.conftest import make_user
from tests.ops.conftest import needs_postgres_and_redis
from tests.ops.workers import Process, start_worker, wait_until

pytestmark = needs_postgres_and_redis


def _beat_state_two_days_behind(path) -> list[str]:
    """Write beat's state file as a beat that was down yesterday leaves it.

    Every job last ran two days ago, so each is due at once when beat starts
    (beat runs a missed job once on start, not once per missed day), and the
    test does not have to wait for 02:15 or 07:00. Return the job names.
    """
    from celery.beat import PersistentScheduler

    from config.celery import app

    scheduler = PersistentScheduler(app=app, schedule_filename=str(path))
    names = list(app.conf.beat_schedule)
    for name in names:
        entry = scheduler.schedule[name]
        entry.last_run_at = entry.last_run_at - dt.timedelta(days=2)
    scheduler.close()
    return names


def _succeeded(output: str, task: str) -> list[str]:
    return re.findall(rf"Task {re.escape(task)}\[[0-9a-f-]{{36}}\] succeeded", output)


def test_beat_sends_every_periodic_job_to_a_worker_and_each_runs_once(env, tmp_path):
    from config.celery import app

    # One overdue complaint, so that one job has something to tell the verifier.
    make_user("verif@uji.test", [Role.VERIFIER])
    Complaint.objects.create(
        reference="ADU-2025-0001",
        kind=Complaint.Kind.OTHER,
        channel=Complaint.Channel.DESK,
        name="Warga",
        contact="0812000111",
        description="Belum dijawab",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    state = tmp_path / "beat-schedule"
    names = _beat_state_two_days_behind(state)
    tasks = {app.conf.beat_schedule[name]["task"] for name in names}
    assert len(tasks) == len(names) >= 4

    worker = start_worker(env, tmp_path / "worker.log")
    beat = Process(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
        + ["--schedule", str(state)],
        env,
        tmp_path / "beat.log",
    )
    try:
        wait_until(
            lambda: all(_succeeded(worker.output(), task) for task in tasks),
            what="every periodic job run by the worker",
        )
    finally:
        beat.stop()
        worker.stop()

    sent = beat.output()
    for name in names:
        # Sent once for the missed days; its next time is tomorrow's.
        assert sent.count(f"Sending due task {name} (") == 1, sent[-3000:]
    done = worker.output()
    for task in tasks:
        assert len(_succeeded(done, task)) == 1, done[-3000:]
    assert "raised unexpected" not in done
    assert "'1 pengaduan terlambat'" in done
    # Every job marks its day (so that cron and beat never both run it).
    marked = sorted(PeriodicRun.objects.values_list("name", flat=True))
    assert marked == sorted(
        [
            "core.sessions_clear",
            "core.files_purge",
            "beneficiaries.complaints_overdue_remind",
            "beneficiaries.cards_expiring_remind",
            "donors.send_instalment_reminders",
        ]
    )
