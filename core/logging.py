"""Structured logs (one JSON object a line) that never carry personal data.

Identity numbers (NIK, KK: 16 digits; NIP: 18), phone numbers and e-mail
addresses are masked in every message and extra field before the line is
written, whoever logged it (Kenanga, Django, Celery, a library). Logs go to
journald or a collector and are kept longer and more widely than the
database, so they must hold no more than an anonymous reader may see.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# 16 digits (NIK, KK) and 18 (NIP), also written with spaces or dots in between.
_IDENTITY = re.compile(r"(?<!\d)(\d[\s.]?){15}\d(\d{2})?(?!\d)")
_PHONE = re.compile(r"(?<!\d)(\+62|62|0)8[\d\s-]{7,13}\d(?!\d)")

# Attributes every LogRecord has; anything else was passed as `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def scrub(text: str) -> str:
    """Mask identity numbers, phone numbers and e-mail addresses in `text`."""
    text = _EMAIL.sub("[email]", text)
    text = _IDENTITY.sub("[nomor-identitas]", text)
    return _PHONE.sub("[telepon]", text)


def _clean(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    return scrub(str(value))


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line with time, level, logger, message and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _clean(value)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class ScrubbingFormatter(logging.Formatter):
    """The plain text format of the embedded default, masked the same way."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
