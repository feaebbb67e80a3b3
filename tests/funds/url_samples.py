"""Arguments for the funds URLs that take some (see tests/core/test_url_access.py)."""

import datetime as dt
from decimal import Decimal

from funds.models import BankStatement, Fund, MoneyLocation, ReconciliationMatch, StatementLine
from funds.services import contribution_record


def _fund(personas):
    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    return {"code": fund.code}


def _transaction(personas):
    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    bank, _ = MoneyLocation.objects.get_or_create(
        code="bank-jateng", defaults={"name": "Bank Jateng", "kind": MoneyLocation.Kind.BANK}
    )
    txn = contribution_record(
        fund=fund,
        location=bank,
        amount=Decimal("100000"),
        date=dt.date(2025, 5, 5),
        description="Sumbangan",
        reference=None,
        actor=None,
    )
    return {"pk": txn.pk}


def _statement(personas):
    pk = _transaction(personas)["pk"]
    bank = MoneyLocation.objects.get(code="bank-jateng")
    statement = BankStatement.objects.create(location=bank, filename="x.csv", file_hash=str(pk))
    line = StatementLine.objects.create(
        statement=statement, row=2, date=dt.date(2025, 5, 5), amount=Decimal("100000")
    )
    return {"pk": statement.pk}, line


def _statement_kwargs(personas):
    return _statement(personas)[0]


def _match(personas):
    kwargs, line = _statement(personas)
    posting = line.statement.location.account.postings.first()
    match = ReconciliationMatch.objects.create(line=line, posting=posting, method="manual")
    return {"pk": match.pk}


def _location(personas):
    bank, _ = MoneyLocation.objects.get_or_create(
        code="bank-jateng", defaults={"name": "Bank Jateng", "kind": MoneyLocation.Kind.BANK}
    )
    return {"code": bank.code}


SAMPLES = {
    "funds:fund": _fund,
    "funds:fund_edit": _fund,
    "funds:location_edit": _location,
    "funds:transaction": _transaction,
    "funds:transaction_reverse": _transaction,
    "funds:statement": _statement_kwargs,
    "funds:statement_auto_match": _statement_kwargs,
    "funds:match_delete": _match,
}
