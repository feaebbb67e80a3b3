"""Random sequences of ledger operations keep every invariant.

A plain Python model predicts which operation must succeed and which must be
refused; after every step the stored balances equal the model's and
`ledger_verify` finds nothing wrong. The funds cover every rule the ledger
knows: unrestricted, restricted to a programme and an area, zakat (only to the
eight asnaf, only to zakat or amil) and amil (at most 12,5% of the year's
zakat). Months are closed on the way, so reversals reach into closed months.

`KENANGA_HYPOTHESIS_PROFILE=deep` (set by .ci/run for the PostgreSQL pass)
runs 200 examples instead of 30.
"""

import datetime as dt
import os
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.models import Organisation
from funds.errors import LedgerError
from funds.models import Account, Commitment, Fund, MoneyLocation
from funds.services import (
    ASNAF,
    commitment_open,
    commitment_release,
    contribution_record,
    payment_record,
    period_close,
    transaction_reverse,
    transfer_record,
)
from funds.verify import ledger_verify

CENT = Decimal("0.01")
amounts = st.integers(min_value=1, max_value=500_000).map(lambda n: Decimal(n) / 100)
R = Fund.Restriction
# code: (restriction, allowed programmes, allowed areas)
FUND_RULES = {
    "a": (R.UNRESTRICTED, [], []),
    "b": (R.UNRESTRICTED, [], []),
    "r": (R.RESTRICTED, ["rtlh"], ["33.14.09"]),
    "z": (R.ZAKAT, [], []),
    "am": (R.AMIL, [], []),
}
FUNDS, LOCATIONS = tuple(FUND_RULES), ("bank", "kas")
PROGRAMMES = st.sampled_from(["", "rtlh", "pendidikan"])
AREAS = st.sampled_from(["", "33.14.09.2001", "33.14.05.2002"])
ASNAF_CHOICES = st.sampled_from(["", "fakir", "gharimin", "bukan-asnaf"])
AMIL_RATE = Decimal("12.50")

PROFILES = {
    "default": {"max_examples": 30, "stateful_step_count": 20},
    "deep": {"max_examples": 200, "stateful_step_count": 15},
}


class LedgerMachine(RuleBasedStateMachine):
    commitments = Bundle("commitments")
    transactions = Bundle("transactions")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        # Zakat funds exist only in a licensed zakat body.
        Organisation.objects.update(legal_status=Organisation.LegalStatus.ZAKAT_BODY)
        self.funds = {
            code: Fund.objects.create(
                code=code,
                name=code.upper(),
                restriction=restriction,
                purpose=f"tujuan {code}" if restriction == R.RESTRICTED else "",
                allowed_programmes=programmes,
                allowed_areas=areas,
            )
            for code, (restriction, programmes, areas) in FUND_RULES.items()
        }
        self.locations = {
            c: MoneyLocation.objects.create(code=c, name=c, kind=MoneyLocation.Kind.BANK)
            for c in LOCATIONS
        }
        self.balance = dict.fromkeys(FUNDS + LOCATIONS, Decimal("0"))
        self.committed = dict.fromkeys(FUNDS, Decimal("0"))
        # Per calendar year: zakat received (contributions, net of their reversals)
        # and what moved from zakat to amil (net of reversals): the 12,5% rule.
        self.zakat_in: dict[int, Decimal] = defaultdict(Decimal)
        self.amil_taken: dict[int, Decimal] = defaultdict(Decimal)
        self.reversed: set[int] = set()
        self.history: list[tuple] = []
        self.closed: list[dt.date] = []
        self.date = dt.date(2024, 11, 15)

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- the model ---------------------------------------------------------------------------
    def available(self, fund):
        return self.balance[fund] - self.committed[fund]

    def apply(self, effects):
        for key, delta in effects.items():
            self.balance[key] += delta

    @staticmethod
    def purpose_ok(fund, programme, area, asnaf):
        restriction, programmes, areas = FUND_RULES[fund]
        if programmes and programme not in programmes:
            return False
        if areas and not any(area.startswith(a) for a in areas):
            return False
        return restriction != R.ZAKAT or asnaf in ASNAF

    def transfer_ok(self, source, target, amount):
        src, tgt = FUND_RULES[source][0], FUND_RULES[target][0]
        if source == target or amount > self.available(source):
            return False
        if src == R.RESTRICTED:
            return False  # the only restricted fund: nowhere narrower to go
        if src == R.ZAKAT:
            if tgt == R.AMIL:
                year = self.date.year
                cap = (self.zakat_in[year] * AMIL_RATE / 100).quantize(CENT)
                return self.amil_taken[year] + amount <= cap
            return tgt == R.ZAKAT
        return tgt != R.ZAKAT

    # --- rules -------------------------------------------------------------------------------
    @initialize()
    def every_fund_starts_with_money(self):
        for fund in FUNDS:
            self.contribute(fund, "bank", Decimal("1000.00"))

    def record(self, item):
        self.history.append(item)
        return item

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
        if fund == "z":
            self.zakat_in[self.date.year] += amount
        return self.record((txn, effects, "contribution" if fund == "z" else ""))

    @rule(
        target=transactions,
        fund=st.sampled_from(FUNDS),
        loc=st.sampled_from(LOCATIONS),
        amount=amounts,
        programme=PROGRAMMES,
        area=AREAS,
        asnaf=ASNAF_CHOICES,
    )
    def pay(self, fund, loc, amount, programme, area, asnaf):
        allowed = (
            self.purpose_ok(fund, programme, area, asnaf)
            and amount <= self.available(fund)
            and amount <= self.balance[loc]
        )
        try:
            txn = payment_record(
                fund=self.funds[fund],
                location=self.locations[loc],
                amount=amount,
                date=self.date,
                description="keluar",
                reference=None,
                actor=None,
                programme=programme,
                area=area,
                asnaf=asnaf,
            )
        except LedgerError:
            assert not allowed
            return None
        assert allowed
        effects = {fund: -amount, loc: -amount}
        self.apply(effects)
        return self.record((txn, effects, ""))

    @rule(
        target=transactions,
        source=st.sampled_from(FUNDS),
        target_fund=st.sampled_from(FUNDS),
        amount=amounts,
    )
    def transfer(self, source, target_fund, amount):
        allowed = self.transfer_ok(source, target_fund, amount)
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
        kind = "amil" if (source, target_fund) == ("z", "am") else ""
        if kind:
            self.amil_taken[self.date.year] += amount
        return self.record((txn, effects, kind))

    @rule(target=commitments, fund=st.sampled_from(FUNDS), amount=amounts)
    def commit(self, fund, amount):
        # A commitment names what it is for: the fund's purpose is checked when it opens.
        _restriction, programmes, areas = FUND_RULES[fund]
        purpose = {
            "programme": programmes[0] if programmes else "",
            "area": f"{areas[0]}.2001" if areas else "",
            "asnaf": "fakir" if fund == "z" else "",
        }
        allowed = amount <= self.available(fund) and self.purpose_ok(fund, **purpose)
        try:
            commitment = commitment_open(
                fund=self.funds[fund], amount=amount, reference=None, actor=None, **purpose
            )
        except LedgerError:
            assert not allowed
            return None
        assert allowed
        self.committed[fund] += amount
        return (commitment, fund)

    @rule(target=commitments, fund=st.sampled_from(FUNDS), tenths=st.integers(1, 10))
    def commit_part_of_what_is_available(self, fund, tenths):
        """Reserve most of a fund: the state in which reversals must respect the floor."""
        amount = (self.available(fund) * tenths / 10).quantize(CENT)
        if amount <= 0:
            return None
        return self.commit(fund, amount)

    @rule(item=consumes(commitments))
    def release(self, item):
        if item is None:
            return
        commitment, fund = item
        commitment_release(commitment=commitment, actor=None, reason="batal")
        self.committed[fund] -= commitment.amount

    @rule(
        target=transactions,
        item=consumes(commitments),
        loc=st.sampled_from(LOCATIONS),
        programme=PROGRAMMES,
        area=AREAS,
        asnaf=ASNAF_CHOICES,
    )
    def pay_commitment(self, item, loc, programme, area, asnaf):
        if item is None:
            return None
        commitment, fund = item
        amount = commitment.amount
        allowed = self.purpose_ok(fund, programme, area, asnaf) and amount <= self.balance[loc]
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
                programme=programme,
                area=area,
                asnaf=asnaf,
            )
        except LedgerError:
            assert not allowed
            # Refused: the reservation stays open and may be paid or released later.
            assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.OPEN
            commitment_release(commitment=commitment, actor=None, reason="gagal bayar")
            self.committed[fund] -= amount
            return None
        assert allowed
        self.committed[fund] -= amount
        effects = {fund: -amount, loc: -amount}
        self.apply(effects)
        assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.PAID
        return self.record((txn, effects, ""))

    @rule(item=transactions)
    def reverse(self, item):
        if item is None:
            return
        txn, effects, kind = item
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
        # Counted in the year of the reversal, as the ledger's yearly limits count it.
        if kind == "contribution":
            self.zakat_in[self.date.year] -= effects["z"]
        elif kind == "amil":
            self.amil_taken[self.date.year] -= effects["am"]

    @precondition(lambda self: any(self.committed.values()))
    @rule(data=st.data())
    def reverse_money_that_commitments_reserve(self, data):
        """Reverse money that came into a fund whose balance is now largely reserved."""
        candidates = [
            item
            for item in self.history
            if item[0].pk not in self.reversed
            and any(delta > 0 and self.committed.get(key, 0) > 0 for key, delta in item[1].items())
        ]
        if candidates:
            self.reverse(data.draw(st.sampled_from(candidates)))

    @precondition(lambda self: self.closed)
    @rule(item=transactions)
    def reverse_dated_in_a_closed_month(self, item):
        if item is None:
            return
        txn = item[0]
        with pytest.raises(LedgerError):
            transaction_reverse(transaction=txn, reason="koreksi", actor=None, date=self.closed[-1])

    @rule()
    def close_month(self):
        period_close(
            year=self.date.year, month=self.date.month, actor=None, today=dt.date(2100, 1, 1)
        )
        closed = self.date
        self.closed.append(closed)
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

    # --- invariants --------------------------------------------------------------------------
    @invariant()
    def stored_balances_match_the_model(self):
        accounts = Account.objects.select_related("fund", "location")  # one query
        stored = {(a.fund or a.location).code: a for a in accounts}
        for code in FUNDS:
            assert stored[code].balance == self.balance[code]
            assert stored[code].committed == self.committed[code]
            assert stored[code].available >= 0
        for code in LOCATIONS:
            assert stored[code].balance == self.balance[code]

    @invariant()
    def the_ledger_verifies(self):
        assert ledger_verify() == []


def machine_settings():
    profile = PROFILES[os.environ.get("KENANGA_HYPOTHESIS_PROFILE", "default")]
    return settings(
        **profile,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
        ],
    )


def test_random_ledger_operations_keep_every_invariant(org):
    run_state_machine_as_test(LedgerMachine, settings=machine_settings())
