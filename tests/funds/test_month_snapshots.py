"""Statements read closed months from their snapshots and still equal the postings."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from funds.models import LedgerMonth, Posting
from funds.selectors import ledger_flows
from funds.services import payment_record, period_close, transfer_record
from funds.statements import statements_for_period

LATER = dt.date(2100, 1, 1)


def _naive_flows(date_from, date_to):
    rows = (
        Posting.objects.filter(transaction__date__gte=date_from, transaction__date__lte=date_to)
        .values("account_id", "transaction__kind")
        .annotate(total=Sum("amount"))
    )
    return {(r["account_id"], r["transaction__kind"]): r["total"] for r in rows}


def _by_account_kind(flows):
    result = {}
    for (account_id, kind, *_rest), amount in flows.items():
        result[(account_id, kind)] = result.get((account_id, kind), Decimal(0)) + amount
    return {k: v for k, v in result.items() if v}


def _month_of_activity(ledger, give):
    give(ledger.matra, "500000", date=dt.date(2025, 1, 10))
    give(ledger.infak, "300000", date=dt.date(2025, 2, 3))
    payment_record(
        fund=ledger.infak,
        location=ledger.bank,
        amount=Decimal("120000"),
        date=dt.date(2025, 2, 20),
        description="Bantuan sekolah",
        reference=None,
        actor=ledger.treasurer,
        programme="pendidikan",
        area="33.14.05.2002",
    )
    transfer_record(
        source=ledger.matra,
        target=ledger.infak,
        amount=Decimal("50000"),
        date=dt.date(2025, 3, 1),
        description="Pindah",
        actor=ledger.treasurer,
    )
    give(ledger.matra, "70000", date=dt.date(2025, 3, 15))


def test_closing_a_month_stores_its_sums_once(ledger, give):
    _month_of_activity(ledger, give)
    period_close(year=2025, month=2, actor=ledger.head, today=LATER)
    rows = LedgerMonth.objects.filter(year=2025, month=2)
    assert rows.count() == 4  # two accounts for the gift, two for the payment
    paid = rows.get(account=ledger.infak.account, kind="disbursement")
    assert paid.amount == Decimal("120000.00")
    assert (paid.programme, paid.area) == ("pendidikan", "33.14.05.2002")
    assert sum(r.amount for r in rows) == 0


def test_period_sums_from_snapshots_equal_the_sums_of_the_postings(ledger, give):
    _month_of_activity(ledger, give)
    before = _by_account_kind(ledger_flows(date_from=dt.date(2025, 1, 1), date_to=LATER))
    for month in (1, 2):
        period_close(year=2025, month=month, actor=ledger.head, today=LATER)
    # The snapshot would hide a posting changed behind its back; prove it is the one read.
    assert _by_account_kind(ledger_flows(date_from=dt.date(2025, 1, 1), date_to=LATER)) == before
    for start, end in [
        (dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        (dt.date(2025, 1, 15), dt.date(2025, 2, 28)),
        (dt.date(2025, 2, 1), dt.date(2025, 2, 1)),
        (dt.date(2024, 12, 1), dt.date(2025, 12, 31)),
    ]:
        flows = _by_account_kind(ledger_flows(date_from=start, date_to=end))
        assert flows == _naive_flows(start, end)


def test_statements_are_the_same_before_and_after_months_are_closed(ledger, give):
    _month_of_activity(ledger, give)
    period = {"date_from": dt.date(2025, 2, 1), "date_to": dt.date(2025, 3, 31)}
    open_rows = statements_for_period(**period).export_rows()
    period_close(year=2025, month=1, actor=ledger.head, today=LATER)
    period_close(year=2025, month=2, actor=ledger.head, today=LATER)
    closed = statements_for_period(**period)
    assert closed.export_rows() == open_rows
    assert closed.balanced


def test_statements_read_closed_months_without_summing_their_postings(
    ledger, give, django_assert_max_num_queries
):
    _month_of_activity(ledger, give)
    for month in (1, 2):
        period_close(year=2025, month=month, actor=ledger.head, today=LATER)
    # Move the snapshot: if the statements read it (and not the postings), they follow.
    row = LedgerMonth.objects.get(year=2025, month=1, account=ledger.matra.account)
    LedgerMonth.objects.filter(pk=row.pk).update(amount=row.amount - 1)
    stmt = statements_for_period(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31))
    matra = next(r for r in stmt.funds if r.code == "matra")
    assert matra.opening == Decimal("500001.00")
