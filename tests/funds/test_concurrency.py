"""Many requests spending the same fund at once (PostgreSQL: real row locks)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from funds.errors import LedgerError
from funds.models import Account, Fund, MoneyLocation
from funds.services import contribution_record, payment_record, transfer_record
from funds.verify import ledger_verify
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks (select_for_update); SQLite serialises whole-database writes",
    ),
]
DAY = dt.date(2025, 5, 5)


def test_concurrent_payments_succeed_exactly_as_often_as_the_balance_allows():
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    contribution_record(
        fund=fund,
        location=bank,
        amount=Decimal("700000"),
        date=DAY,
        description="masuk",
        reference=None,
        actor=None,
    )

    def spend(i):
        return payment_record(
            fund=fund,
            location=bank,
            amount=Decimal("100000"),
            date=DAY,
            description=f"bantuan {i}",
            reference=None,
            actor=None,
        )

    results, errors = run_at_once(12, spend)
    assert len(results) == 7
    assert len(errors) == 5 and all(isinstance(e, LedgerError) for e in errors)
    assert Account.objects.get(fund=fund).balance == 0
    assert ledger_verify() == []


def test_transfers_in_both_directions_at_once_do_not_deadlock():
    a = Fund.objects.create(code="a", name="A")
    b = Fund.objects.create(code="b", name="B")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    for fund in (a, b):
        contribution_record(
            fund=fund,
            location=bank,
            amount=Decimal("1000"),
            date=DAY,
            description="masuk",
            reference=None,
            actor=None,
        )

    def move(i):
        source, target = (a, b) if i % 2 else (b, a)
        return transfer_record(
            source=source,
            target=target,
            amount=Decimal("10"),
            date=DAY,
            description="pindah",
            actor=None,
        )

    results, errors = run_at_once(10, move)
    assert errors == [] and len(results) == 10
    assert Account.objects.get(fund=a).balance + Account.objects.get(fund=b).balance == 2000
    assert ledger_verify() == []
