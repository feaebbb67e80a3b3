"""Personal data at rest: encryption, keyed hashes for look-ups, masking.

NIK, KK numbers, phones, street addresses and health notes are stored
encrypted (Fernet, key KENANGA_DATA_KEY). Equality look-ups and duplicate
checks use an HMAC of the normalised value under a key derived from the same
secret, so the database never holds a searchable clear value.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@functools.cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@functools.cache
def _hash_key(key: str) -> bytes:
    # Derived, not reused: a leaked hash key must not decrypt anything.
    return hmac.new(
        base64.urlsafe_b64decode(key), b"kenanga-lookup-hash-v1", hashlib.sha256
    ).digest()


def encrypt(value: str) -> str:
    if value in (None, ""):
        return ""
    return _fernet(settings.KENANGA_DATA_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.KENANGA_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("Data pribadi tidak dapat dibuka: kunci KENANGA_DATA_KEY salah?") from None


def keyed_hash(value: str, *, purpose: str = "") -> str:
    """Return a hex HMAC-SHA256 of a normalised value (for look-ups, never shown)."""
    normalised = "".join(str(value).split()).upper()
    return hmac.new(
        _hash_key(settings.KENANGA_DATA_KEY), f"{purpose}:{normalised}".encode(), hashlib.sha256
    ).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; reads decrypt, writes encrypt."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "core.crypto.EncryptedTextField", args, kwargs


def mask_digits(value: str, *, head: int = 6, tail: int = 4) -> str:
    """Mask the middle of an identity number: `331401••••••0001`."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "•" * len(value)
    return value[:head] + "•" * (len(value) - head - tail) + value[-tail:]


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a whole file's content with the data key (for files at rest)."""
    return _fernet(settings.KENANGA_DATA_KEY).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet(settings.KENANGA_DATA_KEY).decrypt(token)
    except InvalidToken:
        raise ValueError("Berkas tidak dapat dibuka: kunci KENANGA_DATA_KEY salah?") from None


def mask_contact(value: str) -> str:
    """Mask a phone number or e-mail address: `0812••••7890`, `b•••@contoh.id`."""
    value = (value or "").strip()
    if not value:
        return ""
    if "@" in value:
        local, _at, domain = value.partition("@")
        return (local[:1] + "•" * max(len(local) - 1, 3)) + "@" + domain
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) < 8:
        return "•" * len(value)
    return mask_digits(digits, head=4, tail=4)
