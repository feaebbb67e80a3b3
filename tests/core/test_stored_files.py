"""The encrypted upload store: detected kinds, re-encoded images, files at rest, serving."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from core.models import AuditEntry, StoredFile
from core.uploads import (
    file_root,
    stored_file_delete,
    stored_file_open,
    stored_file_response,
    stored_file_save,
)

pytestmark = pytest.mark.django_db


def png_with_script() -> bytes:
    """A valid PNG whose tEXt chunk carries a script, as a hostile verifier would send."""
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    data = out.getvalue()
    payload = b"Comment\x00<html><script>alert(document.cookie)</script></html>"
    chunk = (
        len(payload).to_bytes(4, "big")
        + b"tEXt"
        + payload
        + zlib.crc32(b"tEXt" + payload).to_bytes(4, "big")
    )
    # Insert after IHDR (8-byte signature + 25-byte IHDR chunk).
    return data[:33] + chunk + data[33:]


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), "blue")
    exif = Image.Exif()
    exif[0x0110] = "Kamera Rahasia"  # Model
    exif.get_ifd(0x8769)[36867] = "2025:08:17 09:30:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (7.0, 25.0, 48.0)
    gps[3], gps[4] = "E", (111.0, 1.0, 12.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_png_named_html_is_stored_as_png_without_its_script():
    upload = SimpleUploadedFile("foto.html", png_with_script(), content_type="text/html")

    stored = stored_file_save(upload=upload, purpose="test.photo", allowed=("png", "jpeg"))

    assert stored.kind == "png"
    assert stored.path.endswith(".png.enc") and "foto" not in stored.path
    clear = stored_file_open(stored)
    assert clear.startswith(b"\x89PNG") and b"script" not in clear
    Image.open(io.BytesIO(clear)).verify()


def test_a_stored_file_is_encrypted_on_disk_and_readable_by_its_owner_only():
    stored = stored_file_save(
        upload=SimpleUploadedFile("slip.pdf", b"%PDF-1.4\nNIK 3314010101010001\n%%EOF"),
        purpose="test.proof",
    )

    on_disk = file_root() / stored.path
    raw = on_disk.read_bytes()
    assert b"3314010101010001" not in raw and b"%PDF" not in raw
    assert stat.S_IMODE(os.stat(on_disk).st_mode) == 0o600
    assert b"3314010101010001" in stored_file_open(stored)
    assert AuditEntry.objects.filter(action="core.file.stored", object_id=str(stored.pk)).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("foto.png", b"<html><script>alert(1)</script></html>"),
        ("foto.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
        ("arsip.zip", b"PK\x03\x04 truncated"),
    ],
)
def test_it_refuses_what_is_not_an_allowed_kind_whatever_its_name(name, content):
    with pytest.raises(ValidationError):
        stored_file_save(
            upload=SimpleUploadedFile(name, content),
            purpose="test.photo",
            allowed=("pdf", "jpeg", "png"),
        )
    assert not StoredFile.objects.exists()


def test_it_refuses_a_file_larger_than_the_limit():
    with pytest.raises(ValidationError, match="terlalu besar"):
        stored_file_save(
            upload=SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 2000),
            purpose="test.proof",
            max_bytes=1000,
        )


def test_it_refuses_an_image_with_too_many_pixels_before_decoding_it(settings):
    settings.KENANGA_MAX_IMAGE_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("1", (2000, 1000)).save(out, format="PNG")
    with pytest.raises(ValidationError, match="terlalu besar"):
        stored_file_save(
            upload=SimpleUploadedFile("x.png", out.getvalue()), purpose="t", allowed=("png",)
        )


def test_a_photo_loses_its_exif_but_keeps_its_date_and_place_as_data():
    stored = stored_file_save(
        upload=SimpleUploadedFile("IMG_0001.JPG", jpeg_with_exif()),
        purpose="test.photo",
        allowed=("jpeg",),
    )

    clear = stored_file_open(stored)
    assert b"Kamera Rahasia" not in clear
    assert not Image.open(io.BytesIO(clear)).getexif()
    assert timezone.localtime(stored.taken_at).replace(tzinfo=None) == dt.datetime(
        2025, 8, 17, 9, 30
    )
    assert stored.latitude == Decimal("-7.430000")
    assert stored.longitude == Decimal("111.020000")


def test_a_file_is_served_with_a_fixed_type_nosniff_and_a_sandbox():
    stored = stored_file_save(
        upload=SimpleUploadedFile("foto.html", png_with_script()),
        purpose="test.photo",
        allowed=("png",),
    )
    request = RequestFactory().get("/")

    response = stored_file_response(request, stored, filename="foto.html")

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'inline; filename="foto.png"'
    download = stored_file_response(request, stored, filename="a b/c", inline=False)
    assert download["Content-Disposition"] == 'attachment; filename="a-b-c.png"'


def test_a_deleted_file_is_gone_from_disk_and_no_longer_served(django_capture_on_commit_callbacks):
    stored = stored_file_save(
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), purpose="test.proof"
    )
    path = file_root() / stored.path

    with django_capture_on_commit_callbacks(execute=True):
        stored_file_delete(stored=stored)

    assert not path.exists()
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    from django.http import Http404

    with pytest.raises(Http404):
        stored_file_response(RequestFactory().get("/"), stored, filename="a")


def test_purge_files_deletes_what_is_past_retention_and_orphans_only(
    django_capture_on_commit_callbacks,
):
    past = stored_file_save(
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"),
        purpose="test.import",
        delete_after=timezone.now() - dt.timedelta(minutes=1),
    )
    kept = stored_file_save(
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"),
        purpose="test.import",
        delete_after=timezone.now() + dt.timedelta(days=1),
    )
    orphan = file_root() / "2020/01/deadbeef.pdf.enc"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    os.utime(orphan, (0, 0))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_files", stdout=io.StringIO())

    assert not (file_root() / past.path).exists()
    assert (file_root() / kept.path).exists()
    assert not orphan.exists()
    past.refresh_from_db()
    kept.refresh_from_db()
    assert past.deleted_at and not kept.deleted_at


def test_the_retention_of_an_import_file_comes_from_the_settings(settings):
    settings.KENANGA_FILE_RETENTION_DAYS = {"beneficiaries.import": 7}
    stored = stored_file_save(
        upload=SimpleUploadedFile("a.csv", b"NIK;NAMA\n1;A\n"),
        purpose="beneficiaries.import",
        allowed=("csv", "xlsx"),
    )
    assert stored.kind == "csv"
    assert (
        dt.timedelta(days=6, hours=23)
        < stored.delete_after - timezone.now()
        <= dt.timedelta(days=7)
    )
