import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.models import StoredFile
from core.uploads import file_root, stored_file_delete


class Command(BaseCommand):
    help = (
        "Delete stored files whose retention has ended (delete_after), and encrypted files "
        "on disk that no record owns (left by an upload whose transaction failed). "
        "Run daily, e.g. from cron or a Celery beat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        due = StoredFile.objects.filter(deleted_at__isnull=True, delete_after__lte=now)
        count = 0
        for stored in due.iterator():
            count += 1
            if dry_run:
                self.stdout.write(f"would delete {stored} ({stored.path})")
            else:
                stored_file_delete(stored=stored, actor="purge_files")
        orphans = 0
        root = file_root()
        if root.exists():
            known = set(
                StoredFile.objects.filter(deleted_at__isnull=True).values_list("path", flat=True)
            )
            # A day's grace: a file is written before its record commits.
            cutoff = (now - dt.timedelta(days=1)).timestamp()
            for path in root.rglob("*"):
                if not path.is_file():
                    continue
                relative = path.relative_to(root).as_posix()
                if relative in known or path.stat().st_mtime > cutoff:
                    continue
                orphans += 1
                if dry_run:
                    self.stdout.write(f"would delete orphan {relative}")
                else:
                    path.unlink(missing_ok=True)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{count} stored file(s) past retention {verb}; {orphans} orphan(s) {verb}."
        )
