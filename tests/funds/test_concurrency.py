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


def test_gifts_posted_while_their_month_closes_land_before_the_close_or_are_refused():
    """The closing check runs under the ledger head: no gift slips in after the month closed."""
    from core.audit import audit_verify
    from core.models import AuditEntry
    from funds.models import ClosedPeriod, LedgerMonth, Posting, Transaction
    from funds.services import period_close

    funds = [Fund.objects.create(code=f"dana-{i}", name=f"Dana {i}") for i in range(4)]
    banks = [
        MoneyLocation.objects.create(code=f"bank-{i}", name=f"Bank {i}", kind="bank")
        for i in range(2)
    ]

    def work(i):
        if i == 7:
            return period_close(year=DAY.year, month=DAY.month, actor=None)
        return contribution_record(
            fund=funds[i % 4],
            location=banks[i % 2],
            amount=Decimal("1000") + i,
            date=DAY,
            description=f"setoran {i}",
            reference=None,
            actor=None,
        )

    results, errors = run_at_once(15, work)
    assert all(isinstance(e, LedgerError) and "sudah ditutup" in str(e) for e in errors)
    closed = ClosedPeriod.objects.get(year=DAY.year, month=DAY.month)
    posted = [r for r in results if isinstance(r, Transaction)]
    assert len(posted) + len(errors) == 14
    # Every gift that landed is inside the month's closing figures, none after them.
    assert all(t.sequence <= closed.last_sequence for t in posted)
    assert Transaction.objects.filter(sequence__gt=closed.last_sequence).count() == 0
    snapshot = LedgerMonth.objects.filter(year=DAY.year, month=DAY.month)
    assert sum(m.posting_count for m in snapshot) == len(posted) * 2
    for account in Account.objects.all():
        in_month = Posting.objects.filter(account=account, transaction__date=DAY)
        assert sum(m.amount for m in snapshot if m.account_id == account.pk) == sum(
            p.amount for p in in_month
        )
    for account in Account.objects.all():
        assert account.posting_count == account.postings.count()
        assert account.balance == sum(p.amount for p in account.postings.all()) * account.sign
    # One audit entry per posting, naming it, in an unbroken chain.
    for txn in posted:
        entry = AuditEntry.objects.get(action="funds.transaction.posted", object_id=str(txn.pk))
        assert entry.object_type == "funds.transaction" and entry.object_repr == str(txn)
    assert ledger_verify() == [] and audit_verify() == []


def test_many_writers_on_shared_accounts_keep_every_running_balance_exact():
    fund = Fund.objects.create(code="matra", name="MATRA")
    other = Fund.objects.create(code="infak", name="Infak")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)

    def work(i):
        return contribution_record(
            fund=fund if i % 3 else other,
            location=bank,
            amount=Decimal("100.25") * (i + 1),
            date=DAY,
            description=f"setoran {i}",
            reference=None,
            actor=None,
        )

    results, errors = run_at_once(12, work)
    assert errors == [] and len(results) == 12
    bank_account = Account.objects.get(location=bank)
    running = Decimal("0")
    for posting in bank_account.postings.order_by("transaction__sequence"):
        running += posting.amount
        assert posting.balance_after == running
    assert bank_account.balance == running == Decimal("100.25") * 78
    assert ledger_verify() == []
