"""Personal data at rest: after an upload and an import nothing clear is left on disk or in the database."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Household, ImportBatch
from core.models import StoredFile
from core.roles import Role
from core.uploads import file_root, stored_file_open
from tests.beneficiaries.test_national_list import ROWS, csv_bytes

NIKS = [row.split(";")[1] for row in ROWS]
KKS = sorted({row.split(";")[0] for row in ROWS})
SECRETS = [*NIKS, *KKS]


@pytest.fixture
def disk(settings, tmp_path):
    """Keep media on a real disk under a fresh MEDIA_ROOT, as a deployment does."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.KENANGA_FILE_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return Path(settings.MEDIA_ROOT)


def clear_secrets_on_disk(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {s}" for s in SECRETS if s.encode() in data]
    return found


def clear_secrets_in_database() -> list[str]:
    """Read every row of every table, as a database dump would, and look for clear numbers."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                    for v in row
                )
                found += [f"{table}: {s}" for s in SECRETS if s in text]
    return found


@pytest.mark.django_db
def test_after_upload_and_import_no_clear_nik_is_on_disk_or_in_the_database(
    disk, personas, login, django_capture_on_commit_callbacks
):
    client = login(personas[Role.VERIFIER])
    response = client.post(
        reverse("beneficiaries:import_upload"),
        {
            "file": SimpleUploadedFile("dtks.csv", csv_bytes()),
            "source": "dtks",
            "as_of": "2025-06-30",
        },
    )
    batch = ImportBatch.objects.get()
    # While it waits for confirmation the file is kept, encrypted and private.
    stored_path = file_root() / batch.stored.path
    assert stored_path.is_relative_to(disk)
    assert stat.S_IMODE(os.stat(stored_path).st_mode) == 0o600
    assert clear_secrets_on_disk(disk) == []
    assert clear_secrets_in_database() == []
    assert NIKS[0].encode() in stored_file_open(batch.stored)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and Household.objects.count() == 2
    # Booked: the file's purpose has ended, so it is gone.
    assert batch.stored.deleted_at is not None and not stored_path.exists()
    assert clear_secrets_on_disk(disk) == []
    assert clear_secrets_in_database() == []


@pytest.mark.django_db
def test_the_preview_page_never_reads_the_file_again(personas, login, monkeypatch):
    client = login(personas[Role.VERIFIER])
    response = client.post(
        reverse("beneficiaries:import_upload"),
        {
            "file": SimpleUploadedFile("dtks.csv", csv_bytes()),
            "source": "dtks",
            "as_of": "2025-06-30",
        },
    )

    def forbidden(*args, **kwargs):
        raise AssertionError("the preview page parsed the stored file")

    monkeypatch.setattr("beneficiaries.national_list.parse_national_list", forbidden)
    monkeypatch.setattr("core.uploads.stored_file_open", forbidden)
    page = client.get(response.url).content.decode()
    assert "4 baris: 2 KK, 4 orang" in page
    assert "331401••••••0001" in page and KKS[0] not in page


@pytest.mark.django_db
def test_a_file_with_errors_is_not_kept(personas, login):
    client = login(personas[Role.VERIFIER])
    bad = [*ROWS, ROWS[0].replace(";L;", ";X;")]
    client.post(
        reverse("beneficiaries:import_upload"),
        {
            "file": SimpleUploadedFile("d.csv", csv_bytes(bad)),
            "source": "dtks",
            "as_of": "2025-06-30",
        },
    )
    batch = ImportBatch.objects.get()
    assert batch.stored is None and batch.preview["error_count"] >= 1
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
def test_an_abandoned_import_file_is_purged_after_its_retention(
    personas, login, django_capture_on_commit_callbacks
):
    client = login(personas[Role.VERIFIER])
    client.post(
        reverse("beneficiaries:import_upload"),
        {
            "file": SimpleUploadedFile("dtks.csv", csv_bytes()),
            "source": "dtks",
            "as_of": "2025-06-30",
        },
    )
    stored = ImportBatch.objects.get().stored
    assert stored.delete_after > timezone.now() + dt.timedelta(days=29)
    StoredFile.objects.filter(pk=stored.pk).update(delete_after=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_files", stdout=io.StringIO())

    stored.refresh_from_db()
    assert stored.deleted_at is not None and not (file_root() / stored.path).exists()


@pytest.mark.django_db
def test_encrypt_media_encrypts_or_purges_what_an_older_installation_kept_in_clear(
    disk, personas, django_capture_on_commit_callbacks
):
    waiting = ImportBatch(source="dtks", as_of=dt.date(2025, 6, 30), filename="a.csv")
    waiting.file.save("a" * 64 + ".bin", ContentFile(csv_bytes()), save=False)
    waiting.save()
    booked = ImportBatch(
        source="dtks", as_of=dt.date(2024, 6, 30), filename="b.csv", status="imported"
    )
    booked.file.save("b" * 64 + ".bin", ContentFile(csv_bytes()), save=False)
    booked.save()
    stray = disk / "private/imports/forgotten.bin"
    stray.write_bytes(csv_bytes())
    assert clear_secrets_on_disk(disk)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("encrypt_media", stdout=io.StringIO())

    assert clear_secrets_on_disk(disk) == []
    waiting.refresh_from_db()
    booked.refresh_from_db()
    assert not waiting.file and waiting.stored is not None
    assert stored_file_open(waiting.stored) == csv_bytes()
    assert waiting.preview["households"] == 2
    assert not booked.file and booked.stored is None
    assert not stray.exists()
    # A second run finds nothing left to do.
    out = io.StringIO()
    call_command("encrypt_media", stdout=out)
    assert out.getvalue().startswith("0 file(s) encrypted, 0 deleted")


@pytest.mark.django_db
def test_encrypt_media_moves_an_old_clear_photo_into_the_store_without_its_exif(
    disk, personas, login, django_capture_on_commit_callbacks
):
    from beneficiaries.models import VisitPhoto
    from tests.beneficiaries.test_views import _assigned_visit
    from tests.core.test_stored_files import jpeg_with_exif

    photo = VisitPhoto(
        visit=_assigned_visit(personas), consent_by="Bu Sum", uploaded_by=personas[Role.VERIFIER]
    )
    photo.image.save("x.jpg", ContentFile(jpeg_with_exif()), save=False)
    photo.save()
    old = disk / photo.image.name
    url = reverse("beneficiaries:visit_photo", args=[photo.pk])
    assert login(personas[Role.VERIFIER]).get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        call_command("encrypt_media", stdout=io.StringIO())

    photo.refresh_from_db()
    assert not photo.image and photo.file.kind == "jpeg" and not old.exists()
    assert b"Kamera Rahasia" not in stored_file_open(photo.file)
    assert photo.file.taken_at is not None
    response = login(personas[Role.VERIFIER]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
