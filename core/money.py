"""Money: the one place that parses, formats and spells out rupiah amounts.

Amounts are `Decimal` with two places, never float. Indonesian spelling
(PUEBI): `Rp1.500.000` or `Rp1.500.000,00`: "." groups thousands, "," comes
before sen.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999999.99")  # fits DecimalField(max_digits=17, decimal_places=2)

_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_INDONESIAN = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}|-{1,2}))?$")
# A machine export: digits, optionally a decimal point and one or two digits.
_MACHINE = re.compile(r"^(\d+)\.(\d{1,2})$")
_ENGLISH = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$")


class MoneyError(ValueError):
    """A text that is not an amount of rupiah; the message says why, in Indonesian."""


def quantize(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(
    text: str | int | Decimal | float | None,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> Decimal:
    """Turn what a user typed (or a spreadsheet cell held) into an exact amount.

    Accepts `1.500.000`, `Rp1.500.000`, `Rp 1.500.000,00`, `1500000`,
    `150.000,00`, `Rp150.000,-`; a spreadsheet's numeric cell; and a machine
    export such as `150000.00`. Refuses anything else with a message that says
    what was wrong.
    """
    if text is None:
        raise MoneyError(_("Jumlah uang kosong."))
    if isinstance(text, bool):
        raise MoneyError(_("Jumlah uang tidak valid."))
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise MoneyError(_("Jumlah uang tidak valid."))
        value = Decimal(repr(text))
        if value != value.quantize(CENT, rounding=ROUND_HALF_UP) and abs(
            value - value.quantize(CENT)
        ) > Decimal("0.000001"):
            raise MoneyError(_("Jumlah uang paling banyak dua angka di belakang koma."))
        return _check(value.quantize(CENT), allow_zero, allow_negative, str(text))
    if isinstance(text, int | Decimal):
        value = Decimal(text)
        if value != value.quantize(CENT):
            raise MoneyError(_("Jumlah uang paling banyak dua angka di belakang koma."))
        return _check(quantize(value), allow_zero, allow_negative, str(text))

    raw = str(text)
    cleaned = raw.strip().replace("\u00a0", " ")
    if not cleaned:
        raise MoneyError(_("Jumlah uang kosong."))
    negative = False
    if cleaned.startswith("-"):
        negative, cleaned = True, cleaned[1:].strip()
    elif cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1].strip()
    cleaned = _PREFIX.sub("", cleaned)
    if cleaned.startswith("-"):
        negative, cleaned = True, cleaned[1:].strip()
    cleaned = cleaned.replace(" ", "")

    match = _INDONESIAN.match(cleaned)
    if match:
        whole = match.group(1).replace(".", "")
        sen = match.group(2) or ""
        if not sen.isdigit():
            sen = "0"
        value = Decimal(f"{whole}.{sen.ljust(2, '0')}")
    elif (machine := _MACHINE.match(cleaned)) and len(machine.group(1)) > 3:
        # `150000.00` from a payroll system: the dot cannot be a thousands dot
        # because the digits before it are not grouped.
        value = Decimal(f"{machine.group(1)}.{machine.group(2).ljust(2, '0')}")
    elif _ENGLISH.match(cleaned):
        raise MoneyError(
            _(
                "“%(text)s” memakai format angka Inggris. Tulis dengan titik sebagai pemisah "
                "ribuan dan koma sebelum sen, misalnya 150.000,00."
            )
            % {"text": raw.strip()}
        )
    else:
        raise MoneyError(
            _("“%(text)s” bukan jumlah uang. Contoh yang benar: 1.500.000 atau Rp1.500.000,00.")
            % {"text": raw.strip()[:40]}
        )
    if negative:
        value = -value
    return _check(value, allow_zero, allow_negative, raw.strip())


def _check(value: Decimal, allow_zero: bool, allow_negative: bool, shown: str) -> Decimal:
    if abs(value) > MAX_AMOUNT:
        raise MoneyError(_("Jumlah uang terlalu besar."))
    if value < 0 and not allow_negative:
        raise MoneyError(_("Jumlah uang tidak boleh negatif (%(text)s).") % {"text": shown[:40]})
    if value == 0 and not allow_zero:
        raise MoneyError(_("Jumlah uang tidak boleh nol."))
    return value


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return ".".join(parts)


def format_rupiah(value: Decimal | int | str | None, *, sen: bool | None = None) -> str:
    """Format as `Rp1.500.000` (sen shown when present, or always with sen=True)."""
    if value is None or value == "":
        return ""
    amount = quantize(value)
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    text = f"{sign}Rp{_group(whole)}"
    if sen is True or (sen is None and frac != "00"):
        text += f",{frac}"
    return text


def format_number(value: Decimal | int | None) -> str:
    """Format a plain number with Indonesian grouping, e.g. `1.500.000`."""
    if value is None:
        return ""
    amount = quantize(value)
    sign = "-" if amount < 0 else ""
    whole, frac = f"{abs(amount):.2f}".split(".")
    return f"{sign}{_group(whole)}" + (f",{frac}" if frac != "00" else "")


_UNITS = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def _words_below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [_UNITS[hundreds], "ratus"]
    if rest < 12:
        if rest:
            words.append(_UNITS[rest])
    elif rest < 20:
        words += [_UNITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if ones:
            words.append(_UNITS[ones])
    return words


def _words(n: int) -> list[str]:
    if n == 0:
        return ["nol"]
    words: list[str] = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count:
            words += _words(count) + [name]
    thousands, n = divmod(n, 1000)
    if thousands == 1:
        words.append("seribu")
    elif thousands > 1:
        words += _words_below_thousand(thousands) + ["ribu"]
    words += _words_below_thousand(n)
    return words


def terbilang(value: Decimal | int | str) -> str:
    """Spell out an amount in Indonesian words, e.g. `satu juta lima ratus ribu rupiah`."""
    amount = quantize(value)
    if amount < 0:
        return "minus " + terbilang(-amount)
    whole = int(amount)
    sen = int((amount - whole) * 100)
    text = " ".join(_words(whole)) + " rupiah"
    if sen:
        text += " " + " ".join(_words(sen)) + " sen"
    return text


def to_minor_units(value: Decimal) -> int:
    """Return the amount in sen, as payment gateways that treat IDR as two-decimal want."""
    return int(quantize(value) * 100)
