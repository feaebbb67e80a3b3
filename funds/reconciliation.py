"""Bank reconciliation: read a bank statement, match its lines to the ledger.

Flow: `statement_parse` (validate every row, nothing stored) -> preview ->
`statement_import` (all or nothing, the same file twice refused) ->
`reconciliation_auto_match` -> `reconciliation_match` by hand for the rest.
A line and a posting can each be matched once only (unique keys in the
database), so matching twice is impossible even under concurrent clicks.
Columns are documented in docs/formats/bank-statement.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.imports import ImportFileError, RowError, read_table
from core.money import MoneyError, parse_amount
from funds.errors import LedgerError
from funds.models import (
    BankStatement,
    MoneyLocation,
    Posting,
    ReconciliationMatch,
    StatementLine,
)

ALIASES = {
    "TGL": "TANGGAL",
    "TGL_TRANSAKSI": "TANGGAL",
    "TANGGAL_TRANSAKSI": "TANGGAL",
    "TRANSACTION_DATE": "TANGGAL",
    "DATE": "TANGGAL",
    "POSTING_DATE": "TANGGAL",
    "URAIAN": "KETERANGAN",
    "DESKRIPSI": "KETERANGAN",
    "DESCRIPTION": "KETERANGAN",
    "URAIAN_TRANSAKSI": "KETERANGAN",
    "REMARK": "KETERANGAN",
    "REF": "REFERENSI",
    "NO_REF": "REFERENSI",
    "NO_REFERENSI": "REFERENSI",
    "REFERENCE": "REFERENSI",
    "DEBIT": "DEBET",
    "MUTASI_DEBET": "DEBET",
    "MUTASI_DEBIT": "DEBET",
    "CREDIT": "KREDIT",
    "MUTASI_KREDIT": "KREDIT",
    "AMOUNT": "JUMLAH",
    "MUTASI": "JUMLAH",
    "NOMINAL": "JUMLAH",
    "DB_CR": "JENIS",
    "D_K": "JENIS",
    "CR_DB": "JENIS",
}
DEBIT_WORDS = {"DB", "D", "DEBET", "DEBIT", "DR"}
CREDIT_WORDS = {"CR", "K", "KREDIT", "CREDIT", "C"}
_ENGLISH = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")
_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
# Auto-match: a posting may be booked a few days before or after the bank's date.
MATCH_WINDOW_DAYS = 3


@dataclass
class ParsedLine:
    row: int
    date: dt.date
    description: str
    reference: str
    amount: Decimal


@dataclass
class ParsedStatement:
    lines: list[ParsedLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_hash: str = ""

    @property
    def total_in(self) -> Decimal:
        return sum((x.amount for x in self.lines if x.amount > 0), Decimal("0"))

    @property
    def total_out(self) -> Decimal:
        return -sum((x.amount for x in self.lines if x.amount < 0), Decimal("0"))


def _date(text: str) -> dt.date:
    text = text.strip().split(" ")[0]
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _money(text: str) -> Decimal:
    """Read a bank's amount: Indonesian `1.500.000,00`, or `1,500,000.00` some banks use."""
    text = text.strip().replace("Rp", "").replace(" ", "")
    if _ENGLISH.match(text.lstrip("-")):
        text = text.replace(",", "")
    return parse_amount(text, allow_zero=True, allow_negative=True)


def statement_parse(*, data: bytes, filename: str) -> ParsedStatement:
    """Read and validate every row of a bank statement; store nothing."""
    result = ParsedStatement(file_hash=hashlib.sha256(data).hexdigest())
    try:
        table = read_table(data, filename=filename, required=["TANGGAL"], aliases=ALIASES)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    columns = set(table.columns)
    if not ({"DEBET", "KREDIT"} <= columns or "JUMLAH" in columns):
        result.errors.append(
            RowError(
                1, "", _("Butuh kolom DEBET dan KREDIT, atau satu kolom JUMLAH (bertanda +/-).")
            )
        )
        return result
    for row, cells in table.rows:
        try:
            date = _date(cells.get("TANGGAL", ""))
        except ValueError:
            result.errors.append(
                RowError(row, "TANGGAL", _("Tanggal tidak sah; tulis dd/mm/yyyy."))
            )
            continue
        try:
            if "JUMLAH" in columns and cells.get("JUMLAH", "").strip():
                raw = cells["JUMLAH"].strip()
                kind = cells.get("JENIS", "").strip().upper()
                suffix = re.search(r"\s*(CR|DB|D|K)$", raw.upper())
                if suffix:
                    kind, raw = suffix.group(1), raw[: suffix.start()]
                amount = _money(raw)
                if kind in DEBIT_WORDS:
                    amount = -abs(amount)
                elif kind in CREDIT_WORDS:
                    amount = abs(amount)
            else:
                debit = _money(cells.get("DEBET") or "0")
                credit = _money(cells.get("KREDIT") or "0")
                if debit and credit:
                    raise MoneyError(_("DEBET dan KREDIT terisi keduanya."))
                amount = credit - debit
        except MoneyError as exc:
            column = "JUMLAH" if "JUMLAH" in columns else "DEBET/KREDIT"
            result.errors.append(RowError(row, column, str(exc)))
            continue
        if amount == 0:
            result.errors.append(RowError(row, "JUMLAH", _("Jumlah nol.")))
            continue
        result.lines.append(
            ParsedLine(
                row=row,
                date=date,
                description=cells.get("KETERANGAN", "")[:255],
                reference=cells.get("REFERENSI", "")[:100],
                amount=amount,
            )
        )
    if not result.lines and not result.errors:
        result.errors.append(RowError(0, "", _("Rekening koran tidak berisi baris transaksi.")))
    return result


@transaction.atomic
def statement_import(
    *, location: MoneyLocation, data: bytes, filename: str, actor
) -> BankStatement:
    """Store a bank statement whose every row is valid; refuse the same file twice."""
    parsed = statement_parse(data=data, filename=filename)
    if parsed.errors:
        raise LedgerError("; ".join(str(e) for e in parsed.errors[:10]))
    if BankStatement.objects.filter(location=location, file_hash=parsed.file_hash).exists():
        raise LedgerError(_("Rekening koran ini sudah pernah diimpor."))
    statement = BankStatement.objects.create(
        location=location,
        filename=filename[:255],
        file_hash=parsed.file_hash,
        date_from=min(x.date for x in parsed.lines),
        date_to=max(x.date for x in parsed.lines),
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            row=x.row,
            date=x.date,
            description=x.description,
            reference=x.reference,
            amount=x.amount,
        )
        for x in parsed.lines
    )
    audit_log(
        statement,
        "funds.statement.imported",
        actor=actor,
        changes={"lines": len(parsed.lines), "file_hash": parsed.file_hash},
    )
    return statement


def unmatched_postings(*, location: MoneyLocation):
    """Return the location's postings no bank line has been matched to."""
    return (
        Posting.objects.filter(account__location=location, match__isnull=True)
        .select_related("transaction")
        .order_by("transaction__date", "pk")
    )


def unmatched_lines(*, statement: BankStatement):
    return statement.lines.filter(match__isnull=True).order_by("date", "row")


def _candidates(line: StatementLine):
    window = dt.timedelta(days=MATCH_WINDOW_DAYS)
    return unmatched_postings(location=line.statement.location).filter(
        amount=line.amount,
        transaction__date__gte=line.date - window,
        transaction__date__lte=line.date + window,
    )


def _score(line: StatementLine, posting: Posting) -> tuple[int, int]:
    txn = posting.transaction
    ref = line.reference.strip().lower()
    text = f"{txn.description} {txn.reference_id} #{txn.sequence}".lower()
    referenced = bool(ref) and (ref in text or (txn.reference_id and txn.reference_id == ref))
    return (0 if referenced else 1, abs((txn.date - line.date).days))


@transaction.atomic
def reconciliation_auto_match(*, statement: BankStatement, actor) -> int:
    """Match each line to the one best posting by amount, date and reference; return the count."""
    statement = BankStatement.objects.select_for_update().get(pk=statement.pk)
    matched = 0
    for line in unmatched_lines(statement=statement).select_related("statement__location"):
        ranked = sorted(_candidates(line), key=lambda p: _score(line, p))
        if not ranked:
            continue
        # Two equally good candidates: leave it to the treasurer rather than guess.
        if len(ranked) > 1 and _score(line, ranked[0]) == _score(line, ranked[1]):
            continue
        ReconciliationMatch.objects.create(
            line=line,
            posting=ranked[0],
            method=ReconciliationMatch.Method.AUTO,
            matched_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        matched += 1
    if matched:
        audit_log(
            statement, "funds.statement.auto_matched", actor=actor, changes={"lines": matched}
        )
    return matched


@transaction.atomic
def reconciliation_match(*, line: StatementLine, posting: Posting, actor) -> ReconciliationMatch:
    """Match one bank line to one posting by hand."""
    line = StatementLine.objects.select_related("statement").get(pk=line.pk)
    if posting.account.location_id != line.statement.location_id:
        raise LedgerError(_("Posting itu bukan milik rekening ini."))
    if posting.amount != line.amount:
        raise LedgerError(_("Jumlah baris bank dan posting berbeda."))
    if ReconciliationMatch.objects.filter(Q(line=line) | Q(posting=posting)).exists():
        raise LedgerError(_("Baris bank atau posting ini sudah dicocokkan."))
    try:
        with transaction.atomic():
            match = ReconciliationMatch.objects.create(
                line=line,
                posting=posting,
                method=ReconciliationMatch.Method.MANUAL,
                matched_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:
        raise LedgerError(_("Baris bank atau posting ini sudah dicocokkan.")) from exc
    audit_log(
        line.statement,
        "funds.statement.matched",
        actor=actor,
        changes={"line": line.row, "posting": posting.pk},
    )
    return match


@transaction.atomic
def reconciliation_unmatch(*, match: ReconciliationMatch, actor) -> None:
    """Undo a wrong match; the audit trail keeps that it existed."""
    statement = match.line.statement
    audit_log(
        statement,
        "funds.statement.unmatched",
        actor=actor,
        changes={"line": match.line.row, "posting": match.posting_id},
    )
    match.delete()
