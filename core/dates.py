"""Dates as Indonesians write them: dd/mm/yyyy on every screen, whatever the browser's language.

The browser's own date picker (`<input type="date">`) shows the browser
locale's order (mm/dd/yyyy in an English Chrome) and cannot be told
otherwise, so every date field is a text field that shows `31/12/2026` and
accepts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy and ISO 2026-12-31. It works
without JavaScript; a wrong or impossible date comes back with a message that
says what to type, and the form keeps everything else that was typed.
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

DISPLAY_FORMAT = "%d/%m/%Y"
# The same order the parser reads; ISO too, so links and bookmarks with 2026-12-31 keep working.
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# For the browser's own check before sending (no JavaScript needed); the server checks again.
PATTERN = r"\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*"


class DateError(ValueError):
    pass


def parse_date(value: str) -> dt.date:
    """Return the date in `31/12/2026`, `1/2/2026`, `31-12-2026` or `2026-12-31`.

    Raise DateError with a message a clerk can act on: the expected form when the
    text is no date at all, and "does not exist" for 31/02/2026 or month 13.
    """
    text = (value or "").strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise DateError(
                _("Tulis tanggal sebagai hh/bb/tttt, misalnya 31/12/2026 (tertulis: %(v)s).")
                % {"v": text[:30]}
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(
            _("Tanggal %(v)s tidak ada di kalender (hari %(d)s, bulan %(m)s, tahun %(y)s).")
            % {"v": text, "d": day, "m": month, "y": year}
        ) from None


def format_date(value: dt.date | None) -> str:
    return value.strftime(DISPLAY_FORMAT) if value else ""


class DateInput(forms.DateInput):
    """A text field showing dd/mm/yyyy, with the format as placeholder and a browser-side pattern."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": _("hh/bb/tttt"),
            "pattern": PATTERN,
            "title": _("Tanggal ditulis hh/bb/tttt, misalnya 31/12/2026."),
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "12",
            "data-date": "dmy",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DISPLAY_FORMAT)

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_date(value)
        return super().format_value(value)


class DateField(forms.DateField):
    """A date field that reads dd/mm/yyyy (and ISO) whatever the language of the screen."""

    widget = DateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except DateError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class DateFilter(django_filters.DateFilter):
    """A list filter on a date, typed as dd/mm/yyyy like every other date."""

    field_class = DateField
