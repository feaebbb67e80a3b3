"""Payroll files and transfer slips are kept encrypted and deleted when their purpose ends."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from core.uploads import file_root, stored_file_open
from donors.models import Contribution, PayrollImport
from donors.services import gift_record, payroll_import_commit
from tests.donors.conftest import NIP_A, dinkes_march
from tests.donors.test_gifts_and_receipts import PNG


def test_a_payroll_file_is_kept_encrypted_until_the_month_is_booked(
    books, prepare, django_capture_on_commit_callbacks
):
    draft, check = prepare(dinkes_march())
    assert check.ok
    draft.refresh_from_db()
    assert bytes(draft.content) == b""  # nothing in clear in the database
    on_disk = (file_root() / draft.file.path).read_bytes()
    assert NIP_A.encode() not in on_disk
    assert stored_file_open(draft.file) == dinkes_march()
    assert draft.file.delete_after > timezone.now() + dt.timedelta(days=29)

    with django_capture_on_commit_callbacks(execute=True):
        payroll_import_commit(payroll_import=draft, actor=books.manager)

    draft.file.refresh_from_db()
    assert draft.file.deleted_at is not None
    assert not (file_root() / draft.file.path).exists()


def test_a_transfer_slip_is_kept_encrypted_and_refused_when_hostile(books):
    gift = gift_record(
        donor=books.people[NIP_A],
        fund=books.matra,
        location=books.bank,
        amount=100,
        date=dt.date(2025, 3, 1),
        channel=Contribution.Channel.TRANSFER,
        actor=books.manager,
        proof=SimpleUploadedFile("slip.html", PNG, content_type="text/html"),
    )
    assert gift.proof_file.kind == "png" and gift.proof_file.path.endswith(".png.enc")
    assert b"PNG" not in (file_root() / gift.proof_file.path).read_bytes()


@pytest.mark.django_db
def test_encrypt_media_empties_payroll_files_kept_in_the_database(
    books, prepare, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    draft, _check = prepare(dinkes_march())
    # As an older installation kept them: the file in the row, the slip in clear on disk.
    PayrollImport.objects.filter(pk=draft.pk).update(content=dinkes_march(), file=None)
    old = PayrollImport.objects.create(
        opd=books.dinkes,
        scheme=books.scheme,
        period=dt.date(2024, 1, 1),
        location=books.bank,
        received_on=dt.date(2024, 1, 5),
        filename="lama.csv",
        content=dinkes_march(),
        sha256="0" * 64,
        status=PayrollImport.Status.REVERSED,
    )
    gift = gift_record(
        donor=books.people[NIP_A],
        fund=books.matra,
        location=books.bank,
        amount=100,
        date=dt.date(2025, 3, 1),
        channel=Contribution.Channel.INSTITUTION,
        actor=books.manager,
    )
    gift.proof.save("bukti.png", ContentFile(PNG), save=True)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("encrypt_media", stdout=io.StringIO())

    draft.refresh_from_db()
    old.refresh_from_db()
    gift.refresh_from_db()
    assert bytes(draft.content) == b"" and stored_file_open(draft.file) == dinkes_march()
    assert bytes(old.content) == b"" and old.file is None  # its purpose has ended
    assert not gift.proof and gift.proof_file.kind == "png"
    assert not list((tmp_path / "media").rglob("*.png"))
