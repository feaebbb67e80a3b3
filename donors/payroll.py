"""Read and check one OPD's monthly payroll deduction file.

This module only reads: it turns the file into checked rows (or a list of
errors naming row, column and reason) and never writes. Booking the checked
rows is `donors.services.payroll_import_commit`. The format is documented in
docs/formats/payroll-deduction.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from core.identity import IdentityError, parse_nip
from core.imports import ImportFileError, RowError, read_table
from core.money import MoneyError, format_rupiah, parse_amount
from donors.models import Contribution, Donor, Enrolment, Opd, Scheme

REQUIRED_COLUMNS = ("NIP", "NAMA", "JUMLAH")
# Spellings seen in payroll exports (SIMPEG, spreadsheets kept by hand).
ALIASES = {
    "NIP_BARU": "NIP",
    "NO_NIP": "NIP",
    "NAMA_PEGAWAI": "NAMA",
    "NAMA_LENGKAP": "NAMA",
    "NOMINAL": "JUMLAH",
    "POTONGAN": "JUMLAH",
    "JUMLAH_POTONGAN": "JUMLAH",
    "JUMLAH_RP": "JUMLAH",
}
MAX_ERRORS_SHOWN = 200
SQLITE_CHUNK = 900  # under SQLite's limit of parameters per query


@dataclass
class CheckedRow:
    row: int
    nip: str
    name: str
    amount: Decimal
    donor_id: int | None = None
    enrolment_id: int | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def is_new_donor(self) -> bool:
        return self.donor_id is None

    @property
    def needs_enrolment(self) -> bool:
        return self.enrolment_id is None


@dataclass
class PayrollCheck:
    rows: list[CheckedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    total: Decimal = Decimal("0.00")

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def new_donor_count(self) -> int:
        return sum(1 for r in self.rows if r.is_new_donor)

    @property
    def flagged_count(self) -> int:
        return sum(1 for r in self.rows if r.flags)

    def add_error(self, error: RowError | str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(str(error))

    def summary(self) -> dict:
        """Return what the preview shows, ready to store as JSON."""
        return {
            "count": self.count,
            "total": str(self.total),
            "new_donors": self.new_donor_count,
            "flagged": self.flagged_count,
            "warnings": self.warnings,
            "rows": [
                {
                    "row": r.row,
                    "nip": r.nip,
                    "name": r.name,
                    "amount": str(r.amount),
                    "new_donor": r.is_new_donor,
                    "new_enrolment": r.needs_enrolment,
                    "flags": r.flags,
                }
                for r in self.rows
                if r.is_new_donor or r.flags
            ][:MAX_ERRORS_SHOWN],
        }


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def parse_period(text: str) -> dt.date:
    """Turn `2025-03` (or `03/2025`) into the first day of that month."""
    text = (text or "").strip()
    for fmt in ("%Y-%m", "%m/%Y", "%Y/%m", "%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    raise ValueError(_("Bulan “%(text)s” tidak dikenal; tulis seperti 2025-03.") % {"text": text})


def payroll_file_check(
    *,
    data: bytes,
    filename: str,
    opd: Opd,
    scheme: Scheme,
    period: dt.date,
    expected_count: int | None = None,
    expected_total: Decimal | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PayrollCheck:
    """Read and check every row of a payroll file; return rows or errors, never write."""
    check = payroll_file_parse(data=data, filename=filename)
    if check.ok:
        payroll_rows_match(
            check,
            opd=opd,
            scheme=scheme,
            period=period,
            expected_count=expected_count,
            expected_total=expected_total,
        )
    if progress:
        progress(check.count, check.count)
    return check


def payroll_file_parse(*, data: bytes, filename: str) -> PayrollCheck:
    """Read a payroll file and check each row on its own (no database)."""
    check = PayrollCheck()
    try:
        table = read_table(data, filename=filename, required=REQUIRED_COLUMNS, aliases=ALIASES)
    except ImportFileError as exc:
        check.add_error(str(exc))
        return check
    check.warnings += table.warnings
    if not table.rows:
        check.add_error(_("Berkas tidak berisi baris data."))
        return check

    seen: dict[str, int] = {}
    # A monthly file repeats a handful of amounts: parse each spelling once.
    amounts: dict[str, Decimal | MoneyError] = {}
    for line, cells in table.rows:
        ok = True
        nip_text, name = cells.get("NIP", ""), " ".join(cells.get("NAMA", "").split())
        try:
            nip = parse_nip(nip_text).nip
        except IdentityError as exc:
            check.add_error(RowError(line, "NIP", str(exc)))
            ok, nip = False, ""
        amount_text = cells.get("JUMLAH", "")
        amount = amounts.get(amount_text)
        if amount is None:
            try:
                amount = parse_amount(amount_text)
            except MoneyError as exc:
                amount = exc
            amounts[amount_text] = amount
        if isinstance(amount, MoneyError):
            check.add_error(RowError(line, "JUMLAH", str(amount)))
            ok = False
        if nip and nip in seen:
            check.add_error(
                RowError(
                    line,
                    "NIP",
                    _("NIP %(nip)s sudah ada di baris %(first)d.")
                    % {"nip": nip, "first": seen[nip]},
                )
            )
            ok = False
        elif nip:
            seen[nip] = line
        if ok:
            check.rows.append(CheckedRow(row=line, nip=nip, name=name, amount=amount))

    _check_totals_row(check, table.totals_row)
    if check.ok:
        check.total = sum((r.amount for r in check.rows), Decimal("0.00"))
    return check


def payroll_rows_match(
    check: PayrollCheck,
    *,
    opd: Opd,
    scheme: Scheme,
    period: dt.date,
    expected_count: int | None = None,
    expected_total: Decimal | None = None,
) -> PayrollCheck:
    """Match parsed rows to donors and enrolments, and compare the control totals."""
    _match_donors(check, opd=opd, scheme=scheme, period=month_start(period))
    if expected_count is not None and expected_count != check.count:
        check.add_error(
            _("Jumlah baris berkas (%(n)d) tidak sama dengan jumlah pada slip transfer (%(e)d).")
            % {"n": check.count, "e": expected_count}
        )
    if expected_total is not None and expected_total != check.total:
        check.add_error(
            _("Total berkas (%(t)s) tidak sama dengan total pada slip transfer (%(e)s).")
            % {"t": format_rupiah(check.total), "e": format_rupiah(expected_total)}
        )
    return check


def rows_to_json(check: PayrollCheck) -> list[list]:
    """Return the parsed rows compactly, to be matched again when the draft is booked."""
    return [[r.row, r.nip, r.name, str(r.amount)] for r in check.rows]


def rows_from_json(rows: list[list]) -> PayrollCheck:
    check = PayrollCheck(
        rows=[CheckedRow(row=r, nip=n, name=name, amount=Decimal(a)) for r, n, name, a in rows]
    )
    check.total = sum((r.amount for r in check.rows), Decimal("0.00"))
    return check


def _check_totals_row(check: PayrollCheck, totals_row) -> None:
    """A totals row is not an error, but when it states a total it must be right."""
    if totals_row is None:
        return
    line, cells = totals_row
    stated = cells.get("JUMLAH", "")
    if not stated:
        return
    try:
        value = parse_amount(stated)
    except MoneyError:
        return  # a label such as "JUMLAH" in the amount column: nothing to compare
    total = sum((r.amount for r in check.rows), Decimal("0.00"))
    if check.ok and value != total:
        check.add_error(
            RowError(
                line,
                "JUMLAH",
                _(
                    "Baris jumlah menyebut %(stated)s, tetapi baris-baris di atasnya berjumlah %(sum)s."
                )
                % {"stated": format_rupiah(value), "sum": format_rupiah(total)},
            )
        )


def _chunks(values: list, sql_type: str):
    """Yield what to put in an `__in` lookup: one array parameter on PostgreSQL, chunks on SQLite.

    PostgreSQL takes `IN (SELECT unnest(%s))` with the whole list as one
    parameter, which avoids binding 15.000 separate parameters; SQLite limits
    the parameters of a query, so it gets chunks.
    """
    if not values:
        return
    if connection.vendor == "postgresql":
        # One comma-joined text parameter: quoting a 15.000-element list as an array
        # literal costs ~0.1 s in the driver; the values (NIPs, ids) never hold commas.
        text = ",".join(map(str, values))
        if text.count(",") != len(values) - 1:
            raise ValueError("values must not contain commas")
        yield RawSQL(  # noqa: S611 - the type is ours, the values are a parameter
            f"SELECT unnest(string_to_array(%s, ',')::{sql_type}[])", [text]
        )
        return
    for i in range(0, len(values), SQLITE_CHUNK):
        yield values[i : i + SQLITE_CHUNK]


def _match_donors(check: PayrollCheck, *, opd: Opd, scheme: Scheme, period: dt.date) -> None:
    """Find each row's donor and enrolment in a few queries; flag what needs a look."""
    nips = [r.nip for r in check.rows]
    donors: dict[str, dict] = {}
    for chunk in _chunks(nips, "text"):
        # Tuples, not dicts: values() costs ~20 µs a row more on 15.000 rows, twice per file.
        for pk, nip, name, opd_id, is_active in Donor.objects.filter(nip__in=chunk).values_list(
            "id", "nip", "name", "opd_id", "is_active"
        ):
            donors[nip] = {"id": pk, "name": name, "opd_id": opd_id, "is_active": is_active}
    donor_ids = [d["id"] for d in donors.values()]
    enrolments: dict[int, dict] = {}
    already_paid: set[int] = set()
    for chunk in _chunks(donor_ids, "bigint"):
        for pk, donor_id, monthly_amount in (
            Enrolment.objects.filter(scheme=scheme, donor_id__in=chunk, start__lte=period)
            .filter(Q(end__isnull=True) | Q(end__gte=period))
            .values_list("id", "donor_id", "monthly_amount")
        ):
            enrolments[donor_id] = {"id": pk, "monthly_amount": monthly_amount}
        already_paid.update(
            Contribution.objects.filter(
                donor_id__in=chunk,
                period=period,
                fund_id=scheme.fund_id,
                status=Contribution.Status.RECORDED,
            ).values_list("donor_id", flat=True)
        )

    # Translated once, not once per row (15.000 rows made gettext a visible cost).
    msg_new = _("Donatur baru: akan dibuat dan didaftarkan pada skema.")
    msg_other_opd = _("Tercatat di OPD lain.")
    msg_paid = _("Sudah ada setoran bulan ini dari berkas lain.")
    msg_not_enrolled = _("Belum terdaftar pada skema: akan didaftarkan.")
    msg_amount = _("Jumlah berbeda dari kepesertaan (%(amount)s).")
    amount_flags: dict[Decimal, str] = {}  # a few distinct enrolled amounts, formatted once
    for row in check.rows:
        donor = donors.get(row.nip)
        if donor is None:
            if not row.name:
                check.add_error(
                    RowError(
                        row.row,
                        "NAMA",
                        _("NIP belum dikenal: nama wajib diisi untuk mendaftarkan donatur baru."),
                    )
                )
                continue
            row.flags.append(msg_new)
            continue
        row.donor_id = donor["id"]
        if not donor["is_active"]:
            check.add_error(
                RowError(
                    row.row,
                    "NIP",
                    _("Donatur dengan NIP ini sudah digabung ke donatur lain atau nonaktif."),
                )
            )
            continue
        if donor["opd_id"] != opd.pk:
            row.flags.append(msg_other_opd)
        if row.name and row.name.casefold() != donor["name"].casefold():
            row.flags.append(
                _("Nama di berkas berbeda: tercatat “%(name)s”.") % {"name": donor["name"]}
            )
        if donor["id"] in already_paid:
            row.flags.append(msg_paid)
        enrolment = enrolments.get(donor["id"])
        if enrolment is None:
            row.flags.append(msg_not_enrolled)
            continue
        row.enrolment_id = enrolment["id"]
        enrolled = enrolment["monthly_amount"]
        if enrolled != row.amount:
            if enrolled not in amount_flags:
                amount_flags[enrolled] = msg_amount % {"amount": format_rupiah(enrolled)}
            row.flags.append(amount_flags[enrolled])
