from django.core.management.base import BaseCommand

from core.uploads import stored_files_purge


class Command(BaseCommand):
    help = (
        "Delete stored files whose retention has ended (delete_after), and encrypted files "
        "on disk that no record owns (left by an upload whose transaction failed). "
        "Celery beat and `run_periodic` run it daily as the job core.files_purge; "
        "run it by hand for --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        count, orphans = stored_files_purge(dry_run=dry_run, say=self.stdout.write)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{count} stored file(s) past retention {verb}; {orphans} orphan(s) {verb}."
        )
