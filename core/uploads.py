"""Uploaded documents and photos: type checked by content, size limited."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


def sniff(head: bytes) -> str | None:
    for kind, signatures in _SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def validate_document(
    upload, *, allowed=("pdf", "jpeg", "png"), max_bytes: int | None = None
) -> str:
    """Check an uploaded file by its content and size; return its kind or raise."""
    limit = max_bytes or min(settings.KENANGA_MAX_UPLOAD_BYTES, 5 * 1024 * 1024)
    if upload is None:
        raise ValidationError(_("Berkas belum dipilih."))
    if upload.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size).1f MB; batas %(limit).0f MB).")
            % {"size": upload.size / 1e6, "limit": limit / (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise ValidationError(
            _("Isi berkas bukan %(names)s (nama berkas tidak menentukan jenisnya).")
            % {"names": names}
        )
    if kind in ("jpeg", "png", "webp"):
        from PIL import Image, UnidentifiedImageError

        try:
            Image.open(upload).verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise ValidationError(_("Gambar rusak atau tidak dapat dibaca.")) from None
        finally:
            upload.seek(0)
    return kind
