"""Random sequences of ledger operations keep every invariant.

A plain Python model predicts which operation must succeed and which must be
refused; after every step the stored balances equal the model's and
`ledger_verify` finds nothing wrong.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from funds.errors import LedgerError
from funds.models import Account, Commitment, Fund, MoneyLocation
from funds.services import (
    commitment_open,
    commitment_release,
    contribution_record,
    payment_record,
    period_close,
    transaction_reverse,
    transfer_record,
)
from funds.verify import ledger_verify

amounts = st.integers(min_value=1, max_value=500_000).map(lambda n: Decimal(n) / 100)
FUNDS, LOCATIONS = ("a", "b", "c"), ("bank", "kas")


class LedgerMachine(RuleBasedStateMachine):
    commitments = Bundle("commitments")
    transactions = Bundle("transactions")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.funds = {c: Fund.objects.create(code=c, name=c.upper()) for c in FUNDS}
        self.locations = {
            c: MoneyLocation.objects.create(code=c, name=c, kind=MoneyLocation.Kind.BANK)
            for c in LOCATIONS
        }
        self.balance = dict.fromkeys(FUNDS + LOCATIONS, Decimal("0"))
        self.committed = dict.fromkeys(FUNDS, Decimal("0"))
        self.reversed: set[int] = set()
        self.date = dt.date(2024, 1, 15)

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def available(self, fund):
        return self.balance[fund] - self.committed[fund]

    def apply(self, effects):
        for key, delta in effects.items():
            self.balance[key] += delta

    @rule(
        target=transactions,
        fund=st.sampled_from(FUNDS),
        loc=st.sampled_from(LOCATIONS),
        amount=amounts,
    )
    def contribute(self, fund, loc, amount):
        txn = contribution_record(
            fund=self.funds[fund],
            location=self.locations[loc],
            amount=amount,
            date=self.date,
            description="masuk",
            reference=None,
            actor=None,
        )
        effects = {fund: amount, loc: amount}
        self.apply(effects)
        return (txn, effects)

    @rule(
        target=transactions,
        fund=st.sampled_from(FUNDS),
        loc=st.sampled_from(LOCATIONS),
        amount=amounts,
    )
    def pay(self, fund, loc, amount):
        allowed = amount <= self.available(fund) and amount <= self.balance[loc]
        try:
            txn = payment_record(
                fund=self.funds[fund],
                location=self.locations[loc],
                amount=amount,
                date=self.date,
                description="keluar",
                reference=None,
                actor=None,
            )
        except LedgerError:
            assert not allowed
            return None
        assert allowed
        effects = {fund: -amount, loc: -amount}
        self.apply(effects)
        return (txn, effects)

    @rule(
        target=transactions,
        source=st.sampled_from(FUNDS),
        target_fund=st.sampled_from(FUNDS),
        amount=amounts,
    )
    def transfer(self, source, target_fund, amount):
        allowed = source != target_fund and amount <= self.available(source)
        try:
            txn = transfer_record(
                source=self.funds[source],
                target=self.funds[target_fund],
                amount=amount,
                date=self.date,
                description="pindah",
                actor=None,
            )
        except LedgerError:
            assert not allowed
            return None
        assert allowed
        effects = {source: -amount, target_fund: amount}
        self.apply(effects)
        return (txn, effects)

    @rule(target=commitments, fund=st.sampled_from(FUNDS), amount=amounts)
    def commit(self, fund, amount):
        allowed = amount <= self.available(fund)
        try:
            commitment = commitment_open(
                fund=self.funds[fund], amount=amount, reference=None, actor=None
            )
        except LedgerError:
            assert not allowed
            return None
        assert allowed
        self.committed[fund] += amount
        return (commitment, fund)

    @rule(item=consumes(commitments))
    def release(self, item):
        if item is None:
            return
        commitment, fund = item
        commitment_release(commitment=commitment, actor=None, reason="batal")
        self.committed[fund] -= commitment.amount

    @rule(target=transactions, item=consumes(commitments), loc=st.sampled_from(LOCATIONS))
    def pay_commitment(self, item, loc):
        if item is None:
            return None
        commitment, fund = item
        amount = commitment.amount
        allowed = amount <= self.balance[loc]
        try:
            txn = payment_record(
                fund=self.funds[fund],
                location=self.locations[loc],
                amount=amount,
                date=self.date,
                description="bayar komitmen",
                reference=None,
                actor=None,
                commitment=commitment,
            )
        except LedgerError:
            assert not allowed
            return None
        assert allowed
        self.committed[fund] -= amount
        effects = {fund: -amount, loc: -amount}
        self.apply(effects)
        assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.PAID
        return (txn, effects)

    @rule(item=transactions)
    def reverse(self, item):
        if item is None:
            return
        txn, effects = item
        opposite = {key: -delta for key, delta in effects.items()}
        # A reversal may not take money that open commitments reserve.
        allowed = txn.pk not in self.reversed and all(
            self.balance[key] + delta >= (self.committed.get(key, 0) if delta < 0 else 0)
            for key, delta in opposite.items()
        )
        try:
            transaction_reverse(transaction=txn, reason="koreksi", actor=None, date=self.date)
        except LedgerError:
            assert not allowed
            return
        assert allowed
        self.reversed.add(txn.pk)
        self.apply(opposite)

    @rule()
    def close_month(self):
        period_close(
            year=self.date.year, month=self.date.month, actor=None, today=dt.date(2100, 1, 1)
        )
        closed = self.date
        self.date = (self.date.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
        with pytest.raises(LedgerError):
            contribution_record(
                fund=self.funds["a"],
                location=self.locations["kas"],
                amount=Decimal("1"),
                date=closed,
                description="terlambat",
                reference=None,
                actor=None,
            )

    @invariant()
    def stored_balances_match_the_model(self):
        for code, fund in self.funds.items():
            account = Account.objects.get(fund=fund)
            assert account.balance == self.balance[code]
            assert account.committed == self.committed[code]
            assert account.available >= 0
        for code, loc in self.locations.items():
            assert Account.objects.get(location=loc).balance == self.balance[code]

    @invariant()
    def the_ledger_verifies(self):
        assert ledger_verify() == []


def test_random_ledger_operations_keep_every_invariant(org):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
