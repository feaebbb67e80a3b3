"""Over random ledgers every report reconciles and each period opens where the last closed."""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funds.errors import LedgerError
from funds.services import (
    contribution_record,
    payment_record,
    period_close,
    transaction_reverse,
    transfer_record,
)
from transparency.figures import report_build
from transparency.periods import Period

LATER = dt.date(2100, 1, 1)
EXAMPLES = 12 if connection.vendor == "sqlite" else 25

operation = st.tuples(
    st.sampled_from(["give", "give", "pay", "transfer", "reverse"]),
    st.integers(min_value=1, max_value=12),  # month of 2024
    st.integers(min_value=1, max_value=28),  # day
    st.integers(min_value=1, max_value=5_000_000),  # rupiah
    st.integers(min_value=0, max_value=2),  # which fund
)


def _apply(ops, ledger, closed_months):
    funds = [ledger.matra, ledger.infak, ledger.csr]
    done = []
    for kind, month, day, amount, which in ops:
        date = dt.date(2024, month, day)
        fund = funds[which]
        try:
            with transaction.atomic():
                if kind == "give":
                    done.append(
                        contribution_record(
                            fund=fund,
                            location=ledger.bank,
                            amount=Decimal(amount),
                            date=date,
                            description="Sumbangan",
                            reference=None,
                            actor=ledger.manager,
                        )
                    )
                elif kind == "pay":
                    done.append(
                        payment_record(
                            fund=fund,
                            location=ledger.bank,
                            amount=Decimal(amount),
                            date=date,
                            description="Bantuan",
                            reference=None,
                            actor=ledger.treasurer,
                            programme="rtlh",
                            area="33.14.05.2002",
                        )
                    )
                elif kind == "transfer":
                    transfer_record(
                        source=ledger.matra,
                        target=ledger.infak,
                        amount=Decimal(amount),
                        date=date,
                        description="Pindah",
                        actor=ledger.treasurer,
                    )
                elif done:
                    transaction_reverse(
                        transaction=done.pop(0),
                        reason="Salah catat",
                        actor=ledger.treasurer,
                        date=date,
                    )
        except LedgerError:
            pass  # refused (not enough money, closed month): the ledger is unchanged
    for month in sorted(closed_months):
        period_close(year=2024, month=month, actor=ledger.head, today=LATER)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    ops=st.lists(operation, min_size=1, max_size=14),
    closed=st.sets(st.integers(min_value=1, max_value=12), max_size=12),
)
def test_every_report_of_a_random_ledger_reconciles(ledger, ops, closed):
    with transaction.atomic():
        _apply(ops, ledger, closed)
        months = [report_build(period=Period("month", 2024, m)) for m in range(1, 13)]
        for report in months:
            assert report["reconciles"], report["period"]["code"]
        for before, after in zip(months, months[1:], strict=False):
            assert before["totals"]["closing"] == after["totals"]["opening"]
            for fund_before in before["funds"]:
                fund_after = next(
                    (f for f in after["funds"] if f["code"] == fund_before["code"]), None
                )
                opening = fund_after["opening"] if fund_after else "0.00"
                assert fund_before["closing"] == opening
        year = report_build(period=Period("year", 2024))
        halves = [report_build(period=Period("semester", 2024, n)) for n in (1, 2)]
        assert year["reconciles"] and all(h["reconciles"] for h in halves)
        assert (
            year["totals"]["closing"]
            == halves[1]["totals"]["closing"]
            == months[-1]["totals"]["closing"]
        )
        collected = sum(Decimal(m["totals"]["collected"]) for m in months)
        assert Decimal(year["totals"]["collected"]) == collected
        # The year closes on the bank's own running balance (all money sits in that bank).
        ledger.bank.account.refresh_from_db()
        assert Decimal(year["totals"]["closing"]) == ledger.bank.account.balance
        transaction.set_rollback(True)
