"""Reporting periods of the public reports: a month, a semester or a year."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "semester" or "year"
    year: int
    number: int = 1  # month 1-12, semester 1-2, 1 for a year

    @property
    def start(self) -> dt.date:
        if self.kind == "month":
            return dt.date(self.year, self.number, 1)
        if self.kind == "semester":
            return dt.date(self.year, 1 if self.number == 1 else 7, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == "month":
            return dt.date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        if self.kind == "semester":
            return dt.date(self.year, 6, 30) if self.number == 1 else dt.date(self.year, 12, 31)
        return dt.date(self.year, 12, 31)

    @property
    def code(self) -> str:
        """Return the period as written in URLs: 2025-05, 2025-S1 or 2025."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "semester":
            return f"{self.year}-S{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        """Return the period's name in Indonesian (documents are always Indonesian)."""
        if self.kind == "month":
            return f"{MONTHS_ID[self.number - 1]} {self.year}"
        if self.kind == "semester":
            return f"Semester {self.number} {self.year}"
        return f"Tahun {self.year}"

    def months(self) -> list[tuple[int, int]]:
        first = self.start.month
        last = self.end.month
        return [(self.year, m) for m in range(first, last + 1)]

    def previous(self) -> Period:
        if self.kind == "month":
            return Period(
                "month", self.year - (self.number == 1), 12 if self.number == 1 else self.number - 1
            )
        if self.kind == "semester":
            return Period("semester", self.year - (self.number == 1), 2 if self.number == 1 else 1)
        return Period("year", self.year - 1)

    def next(self) -> Period:
        if self.kind == "month":
            return Period(
                "month",
                self.year + (self.number == 12),
                1 if self.number == 12 else self.number + 1,
            )
        if self.kind == "semester":
            return Period("semester", self.year + (self.number == 2), 1 if self.number == 2 else 2)
        return Period("year", self.year + 1)


def period_parse(code: str) -> Period:
    """Parse 2025-05, 2025-S1 or 2025 into a Period (PeriodError when it is none)."""
    code = (code or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", code):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12 and 2000 <= year <= 2999:
            return Period("month", year, month)
    elif m := re.fullmatch(r"(\d{4})-S([12])", code):
        if 2000 <= int(m[1]) <= 2999:
            return Period("semester", int(m[1]), int(m[2]))
    elif re.fullmatch(r"\d{4}", code) and 2000 <= int(code) <= 2999:
        return Period("year", int(code))
    raise PeriodError(
        _("Periode tidak dikenal: %(p)s (contoh: 2025-05, 2025-S1, 2025).") % {"p": code}
    )


def period_latest_month(today: dt.date) -> Period:
    """Return the last finished month before `today`."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return Period("month", first.year, first.month)
