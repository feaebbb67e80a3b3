"""Uploaded documents, photos and import files: hostile until proved otherwise.

Every upload's kind is detected from its content; the name on disk and the
content type it is later served with come from that kind only, never from
the name or type the browser sent. Images are decoded and re-encoded with
Pillow, which drops EXIF and text chunks (a PNG carrying `<script>` comes out
as pixels only); the photo's date and place are kept as data. Files are
encrypted at rest with the data key, written 0600, and deleted when their
purpose ends (`delete_after`, `manage.py purge_files`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.crypto import decrypt_bytes, encrypt_bytes
from core.models import StoredFile

_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}
IMAGE_KINDS = ("jpeg", "png", "webp")
# The only content types a stored file is ever served with. Import files
# (CSV, XLSX) are never served back at all.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def sniff(head: bytes) -> str | None:
    for kind, signatures in _SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def detect_kind(data: bytes) -> str | None:
    """Return the kind of a file from its content (pdf, jpeg, png, webp, xlsx, csv) or None."""
    kind = sniff(data[:16])
    if kind:
        return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        return "xlsx" if "xl/workbook.xml" in names else None
    from core.imports import _looks_binary

    if data and not _looks_binary(data):
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return "csv"
    return None


def _size_limit(max_bytes: int | None) -> int:
    return max_bytes or min(settings.KENANGA_MAX_UPLOAD_BYTES, 5 * 1024 * 1024)


def _too_big(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("Berkas terlalu besar (%(size).1f MB; batas %(limit).0f MB).")
        % {"size": size / 1e6, "limit": limit / (1024 * 1024)}
    )


def _wrong_kind(allowed) -> ValidationError:
    names = ", ".join(k.upper() for k in allowed)
    return ValidationError(
        _("Isi berkas bukan %(names)s (nama berkas tidak menentukan jenisnya).") % {"names": names}
    )


def validate_document(
    upload, *, allowed=("pdf", "jpeg", "png"), max_bytes: int | None = None
) -> str:
    """Check an uploaded file by its content and size; return its kind or raise."""
    limit = _size_limit(max_bytes)
    if upload is None:
        raise ValidationError(_("Berkas belum dipilih."))
    if upload.size > limit:
        raise _too_big(upload.size, limit)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        raise _wrong_kind(allowed)
    if kind in IMAGE_KINDS:
        from PIL import Image, UnidentifiedImageError

        try:
            Image.open(upload).verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise ValidationError(_("Gambar rusak atau tidak dapat dibaca.")) from None
        finally:
            upload.seek(0)
    return kind


# --- images ---------------------------------------------------------------------------
@dataclass
class ReencodedImage:
    data: bytes
    kind: str
    taken_at: dt.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _exif_datetime(exif) -> dt.datetime | None:
    raw = exif.get_ifd(0x8769).get(36867) or exif.get(306)  # DateTimeOriginal, DateTime
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive) if settings.USE_TZ else naive


def _gps_degrees(value, ref) -> Decimal | None:
    try:
        degrees, minutes, seconds = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if str(ref).upper().startswith(("S", "W")):
        result = -result
    if not -180 <= result <= 180:
        return None
    return Decimal(f"{result:.6f}")


def reencode_image(data: bytes, kind: str) -> ReencodedImage:
    """Decode an image and write it again: pixels only, no metadata or extra chunks."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = settings.KENANGA_MAX_IMAGE_PIXELS
    broken = ValidationError(_("Gambar rusak atau tidak dapat dibaca."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != _PILLOW_FORMATS[kind]:
                raise broken
            # Refuse a decompression bomb before decoding a single pixel.
            if image.width * image.height > limit:
                raise ValidationError(
                    _("Gambar terlalu besar (%(w)d × %(h)d piksel).")
                    % {"w": image.width, "h": image.height}
                )
            exif = image.getexif()
            taken_at = _exif_datetime(exif)
            gps = exif.get_ifd(0x8825)
            latitude = _gps_degrees(gps.get(2), gps.get(1, "N")) if gps.get(2) else None
            longitude = _gps_degrees(gps.get(4), gps.get(3, "E")) if gps.get(4) else None
            image.seek(0)  # an animated file keeps its first frame only
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise broken from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_("Gambar terlalu besar.")) from None
    if kind == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif kind == "png" and image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        image = image.convert("RGBA")
    elif kind == "webp" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    out = io.BytesIO()
    # No exif=, no pnginfo=: nothing but pixels (and the palette) is written.
    options = {"jpeg": {"quality": 88}, "png": {}, "webp": {"quality": 88}}[kind]
    image.save(out, format=_PILLOW_FORMATS[kind], **options)
    return ReencodedImage(out.getvalue(), kind, taken_at, latitude, longitude)


# --- the encrypted store --------------------------------------------------------------
def file_root() -> Path:
    root = getattr(settings, "KENANGA_FILE_ROOT", None)
    return Path(root) if root else Path(settings.MEDIA_ROOT) / "private" / "files"


def _read_upload(upload, limit: int) -> bytes:
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise _too_big(size, limit)
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
        if hasattr(upload, "seek"):
            upload.seek(0)
    if len(data) > limit:
        raise _too_big(len(data), limit)
    return data


def _write_private(path: Path, payload: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    # Created 0600 from the first byte: no window in which another local user may read it.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _default_delete_after(purpose: str) -> dt.datetime | None:
    days = getattr(settings, "KENANGA_FILE_RETENTION_DAYS", {}).get(purpose)
    return timezone.now() + dt.timedelta(days=days) if days else None


def stored_file_save(
    *,
    upload,
    purpose: str,
    allowed=("pdf", "jpeg", "png"),
    max_bytes: int | None = None,
    actor=None,
    delete_after: dt.datetime | None = None,
) -> StoredFile:
    """Check, re-encode (images) and encrypt an upload to disk; return its record.

    `upload` is an uploaded file or bytes. Raises ValidationError with a message
    for the user when the content is not one of `allowed` or is too large.
    """
    if upload is None:
        raise ValidationError(_("Berkas belum dipilih."))
    data = _read_upload(upload, _size_limit(max_bytes))
    kind = detect_kind(data)
    if kind is None or kind not in allowed:
        raise _wrong_kind(allowed)
    meta = {}
    if kind in IMAGE_KINDS:
        image = reencode_image(data, kind)
        data = image.data
        meta = {"taken_at": image.taken_at, "latitude": image.latitude}
        meta["longitude"] = image.longitude
    relative = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind}.enc"
    _write_private(file_root() / relative, encrypt_bytes(data))
    stored = StoredFile.objects.create(
        purpose=purpose,
        kind=kind,
        path=relative,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        delete_after=delete_after or _default_delete_after(purpose),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **meta,
    )
    audit_log(
        stored,
        "core.file.stored",
        actor=actor,
        changes={"purpose": purpose, "kind": kind, "size": len(data)},
    )
    return stored


def stored_file_open(stored: StoredFile) -> bytes:
    """Return the decrypted content of a stored file."""
    if stored.deleted_at is not None:
        raise FileNotFoundError(f"stored file {stored.pk} was deleted")
    with open(file_root() / stored.path, "rb") as fh:
        return decrypt_bytes(fh.read())


def _safe_filename(filename: str, kind: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80] or "berkas"
    extension = "jpg" if kind == "jpeg" else kind
    return f"{stem}.{extension}"


def stored_file_response(request, stored: StoredFile, *, filename: str, inline: bool = True):
    """Serve a stored file with a fixed content type, nosniff and a sandbox policy.

    The caller has checked the user's right to the record that owns the file.
    """
    if stored.deleted_at is not None or stored.kind not in CONTENT_TYPES:
        raise Http404
    try:
        data = stored_file_open(stored)
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=CONTENT_TYPES[stored.kind])
    response["Content-Disposition"] = content_disposition_header(
        not inline, _safe_filename(filename, stored.kind)
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a browser took the bytes for a page, it would run no script,
    # have no origin, and could not read the staff member's other pages.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self' data:"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def stored_file_delete(*, stored: StoredFile, actor=None) -> StoredFile:
    """Delete a stored file's content for good; the record stays as a trace."""
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=stored.pk)
        if locked.deleted_at is not None:
            return locked
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at"])
        audit_log(locked, "core.file.deleted", actor=actor, changes={"purpose": locked.purpose})
        path = file_root() / locked.path
        # The content goes only once the record says so: a rollback leaves both.
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    stored.deleted_at = locked.deleted_at
    return locked


def stored_files_purge(*, dry_run: bool = False, say=None) -> tuple[int, int]:
    """Delete files past their retention and encrypted files no record owns.

    Return (files past retention, orphans). With `dry_run`, delete nothing and
    tell `say` what would go. Run daily by the periodic job `core.files_purge`.
    """
    say = say or (lambda line: None)
    now = timezone.now()
    due = StoredFile.objects.filter(deleted_at__isnull=True, delete_after__lte=now)
    count = 0
    for stored in due.iterator():
        count += 1
        if dry_run:
            say(f"would delete {stored} ({stored.path})")
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
                say(f"would delete orphan {relative}")
            else:
                path.unlink(missing_ok=True)
    return count, orphans
