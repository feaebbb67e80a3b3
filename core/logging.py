"""Structured logs (one JSON object a line) that never carry personal data.

Identity numbers (NIK, KK: 16 digits; NIP: 18), phone numbers and e-mail
addresses are masked in every message and extra field before the line is
written, whoever logged it (Kenanga, Django, Celery, a library). Logs go to
journald or a collector and are kept longer and more widely than the
database, so they must hold no more than an anonymous reader may see.

Numbers that only look long are left alone (decision 46): the digits of a
decimal number (Celery's `succeeded in 0.0123456789012345s`, a duration, an
amount with a decimal point) are never an identity number, and digits put
together from several groups (`3314 0112 0385 0001`, `33.14.01.120385.0001`)
are masked only when they have the shape of a NIK, KK or NIP, so that two
ids side by side are not taken for one. A single unbroken run of 16 or 18
digits is masked whatever its shape: a mistyped NIK is still personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from core.identity import kk_shaped, nik_shaped, nip_shaped

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Digits in groups joined by single spaces or dots: where identity numbers hide.
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[\s.]\d+)*")
_GROUP = re.compile(r"\d+")
# Not the digits of a decimal number (neither `0.0812…` nor `0812….5`).
# "+62 812 …" and "+62-812-…" as people write them: a space or hyphen may follow +62.
_PHONE = re.compile(r"(?<!\d)(?<!\d\.)(\+62[\s-]?|62|0)8[\d\s-]{7,13}\d(?!\d)(?!\.\d)")
_IDENTITY_MASK = "[nomor-identitas]"

# Attributes every LogRecord has; anything else was passed as `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def _identity_shaped(digits: str) -> bool:
    if len(digits) == 16:
        return nik_shaped(digits) or kk_shaped(digits)
    return nip_shaped(digits)


def _mask_identities(run: re.Match) -> str:
    text = run.group()
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(text)]
    # The separator after group i is text[end_i]; a dot that is the only one
    # around makes the two groups it joins one decimal number.
    dot_after = [end < len(text) and text[end] == "." for _, end in groups]
    decimal = [False] * len(groups)
    for i in range(len(groups) - 1):
        if dot_after[i] and not (i and dot_after[i - 1]) and not dot_after[i + 1]:
            decimal[i] = decimal[i + 1] = True
    # Every window of whole groups that may be an identity number, from every
    # start: digits around a NIK can never shift the mask off part of it.
    spans = []
    for i in range(len(groups)):
        count = 0
        for j in range(i, len(groups)):
            if decimal[j] or count >= 18:
                break
            count += groups[j][1] - groups[j][0]
            if count in (16, 18):
                digits = "".join(text[a:b] for a, b in groups[i : j + 1])
                if i == j or _identity_shaped(digits):
                    spans.append((groups[i][0], groups[j][1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    spans = merged
    for start, end in reversed(spans):
        text = text[:start] + _IDENTITY_MASK + text[end:]
    return text


def scrub(text: str) -> str:
    """Mask identity numbers, phone numbers and e-mail addresses in `text`."""
    text = _EMAIL.sub("[email]", text)
    text = _DIGIT_RUN.sub(_mask_identities, text)
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
