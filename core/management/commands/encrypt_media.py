import datetime as dt

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.uploads import IMAGE_KINDS, stored_file_save

ACTOR = "encrypt_media"
# Folders where files were kept in clear before the encrypted store.
LEGACY_FOLDERS = ("private/imports", "private/visits", "donors/proof")


def _read(field) -> bytes | None:
    try:
        with field.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


class Command(BaseCommand):
    help = (
        "Move files kept in clear before encryption at rest into the encrypted store "
        "(visit photos, transfer slips, import files still awaiting confirmation), delete "
        "those whose purpose has ended (imports booked, refused or past retention), and "
        "delete clear files in the old folders that no record refers to. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        self.dry_run = dry_run
        self.counts = {"encrypted": 0, "purged": 0, "refused": 0}
        self._photos()
        self._proofs()
        self._national_lists()
        self._payroll_files()
        self._orphans()
        prefix = "would be " if dry_run else ""
        self.stdout.write(
            f"{self.counts['encrypted']} file(s) {prefix}encrypted, "
            f"{self.counts['purged']} {prefix}deleted, "
            f"{self.counts['refused']} refused as not a valid file and {prefix}deleted."
        )

    # --- helpers ------------------------------------------------------------------
    def _store(self, data: bytes, *, purpose: str, allowed, delete_after=None):
        if self.dry_run:
            self.counts["encrypted"] += 1
            return None
        try:
            stored = stored_file_save(
                upload=data,
                purpose=purpose,
                allowed=allowed,
                max_bytes=max(len(data), 1),
                actor=ACTOR,
                delete_after=delete_after,
            )
        except ValidationError:
            self.counts["refused"] += 1
            return None
        self.counts["encrypted"] += 1
        return stored

    def _drop(self, field) -> None:
        if not self.dry_run and field.name:
            field.storage.delete(field.name)

    def _expiry(self, created_at, purpose):
        days = settings.KENANGA_FILE_RETENTION_DAYS.get(purpose, 30)
        return created_at + dt.timedelta(days=days)

    # --- each kind of file ------------------------------------------------------------
    def _photos(self):
        VisitPhoto = apps.get_model("beneficiaries", "VisitPhoto")
        for photo in VisitPhoto.objects.exclude(image="").filter(file__isnull=True).iterator():
            with transaction.atomic():
                data = _read(photo.image)
                if data is not None:
                    photo.file = self._store(
                        data, purpose="beneficiaries.visit_photo", allowed=IMAGE_KINDS
                    )
                self._finish(photo, "image")

    def _proofs(self):
        Contribution = apps.get_model("donors", "Contribution")
        for gift in Contribution.objects.exclude(proof="").filter(proof_file__isnull=True):
            with transaction.atomic():
                data = _read(gift.proof)
                if data is not None:
                    gift.proof_file = self._store(
                        data, purpose="donors.proof", allowed=("pdf", "jpeg", "png")
                    )
                self._finish(gift, "proof")

    def _national_lists(self):
        ImportBatch = apps.get_model("beneficiaries", "ImportBatch")
        from beneficiaries.national_list import parse_national_list, preview_from_parsed

        now = timezone.now()
        for batch in ImportBatch.objects.exclude(file="").iterator():
            with transaction.atomic():
                expiry = self._expiry(batch.created_at, "beneficiaries.import")
                awaiting = (
                    batch.status == ImportBatch.Status.PREVIEW
                    and batch.job_id is None
                    and expiry > now
                )
                data = _read(batch.file) if awaiting else None
                if data is not None:
                    parsed = parse_national_list(data, filename=batch.filename)
                    batch.preview = preview_from_parsed(parsed)
                    if not parsed.errors:
                        batch.stored = self._store(
                            data,
                            purpose="beneficiaries.import",
                            allowed=("csv", "xlsx"),
                            delete_after=expiry,
                        )
                else:
                    self.counts["purged"] += 1
                self._finish(batch, "file", also=["stored", "preview"])

    def _payroll_files(self):
        PayrollImport = apps.get_model("donors", "PayrollImport")
        now = timezone.now()
        for imp in PayrollImport.objects.filter(file__isnull=True).exclude(content=b"").iterator():
            with transaction.atomic():
                expiry = self._expiry(imp.created_at, "donors.payroll")
                if imp.status == PayrollImport.Status.DRAFT and expiry > now:
                    imp.file = self._store(
                        bytes(imp.content),
                        purpose="donors.payroll",
                        allowed=("csv", "xlsx"),
                        delete_after=expiry,
                    )
                else:
                    self.counts["purged"] += 1
                if not self.dry_run:
                    imp.content = b""
                    imp.save(update_fields=["file", "content"])

    def _finish(self, obj, field_name: str, also=()) -> None:
        if self.dry_run:
            return
        field = getattr(obj, field_name)
        name = field.name
        setattr(obj, field_name, "")
        updates = [field_name, *also]
        for extra in ("file", "proof_file"):
            if extra != field_name and hasattr(obj, f"{extra}_id") and extra not in updates:
                updates.append(extra)
        obj.save(update_fields=updates)
        # Deleted after the record no longer points at it; if the save fails the file stays.
        transaction.on_commit(lambda: default_storage.delete(name) if name else None)

    def _orphans(self):
        """Delete clear files left in the old folders that no record refers to."""
        referenced = set()
        for model, field in (
            ("beneficiaries.VisitPhoto", "image"),
            ("beneficiaries.ImportBatch", "file"),
            ("donors.Contribution", "proof"),
        ):
            referenced |= set(
                apps.get_model(model).objects.exclude(**{field: ""}).values_list(field, flat=True)
            )
        for folder in LEGACY_FOLDERS:
            for name in self._walk(folder):
                if name not in referenced:
                    self.counts["purged"] += 1
                    if not self.dry_run:
                        default_storage.delete(name)

    def _walk(self, folder: str):
        try:
            directories, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return
        for name in files:
            yield f"{folder}/{name}"
        for directory in directories:
            yield from self._walk(f"{folder}/{directory}")
