import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditEntry
from funds.errors import LedgerError
from funds.models import Account, Commitment, Posting, Transaction
from funds.selectors import (
    fund_available,
    fund_balance,
    fund_balances,
    fund_get,
    money_location_get,
    transactions_for_reference,
)
from funds.services import (
    commitment_open,
    commitment_release,
    payment_record,
    transaction_post,
    transaction_reverse,
    transfer_record,
)

D = Decimal
DAY = dt.date(2025, 5, 10)


def pay(ledger, fund, amount, **kw):
    kw.setdefault("programme", "rtlh" if fund.allowed_programmes else "")
    kw.setdefault("area", "33.14.09.2001" if fund.allowed_areas else "")
    return payment_record(
        fund=fund,
        location=kw.pop("location", ledger.bank),
        amount=D(amount),
        date=kw.pop("date", DAY),
        description="Bantuan",
        reference=kw.pop("reference", None),
        actor=ledger.treasurer,
        **kw,
    )


def test_a_contribution_adds_to_the_location_and_to_the_fund(ledger, give):
    txn = give(ledger.matra, "1500000")
    assert fund_balance(fund=ledger.matra) == D("1500000")
    assert ledger.bank.account.__class__.objects.get(pk=ledger.bank.account.pk).balance == D(
        "1500000"
    )
    amounts = sorted(p.amount for p in txn.postings.all())
    assert amounts == [D("-1500000"), D("1500000")]
    assert txn.kind == Transaction.Kind.CONTRIBUTION
    assert AuditEntry.objects.filter(action="funds.transaction.posted").count() == 1


def test_a_payment_takes_from_the_fund_and_from_the_location(ledger, give):
    give(ledger.matra, "5000000")
    pay(ledger, ledger.matra, "1250000")
    assert fund_balance(fund=ledger.matra) == D("3750000")
    assert Account.objects.get(location=ledger.bank).balance == D("3750000")


def test_a_payment_larger_than_the_balance_is_refused_and_changes_nothing(ledger, give):
    give(ledger.matra, "100000")
    with pytest.raises(LedgerError, match="tidak cukup"):
        pay(ledger, ledger.matra, "100000.01")
    assert fund_balance(fund=ledger.matra) == D("100000")
    assert Transaction.objects.count() == 1


def test_a_fund_cannot_spend_money_that_another_fund_holds_in_the_same_bank(ledger, give):
    give(ledger.infak, "900000")
    with pytest.raises(LedgerError):
        pay(ledger, ledger.matra, "1")


def test_amounts_must_be_positive_exact_and_not_float(ledger, give):
    for bad in ("0", "-5"):
        with pytest.raises(LedgerError):
            give(ledger.matra, bad)
    with pytest.raises(LedgerError):
        give(ledger.matra, "10.001")
    with pytest.raises(LedgerError, match="float"):
        payment_record(
            fund=ledger.matra,
            location=ledger.bank,
            amount=1.5,
            date=DAY,
            description="x",
            reference=None,
            actor=ledger.treasurer,
        )


def test_the_low_level_writer_refuses_unbalanced_or_one_line_transactions(ledger):
    fund_acc, bank_acc = ledger.matra.account, ledger.bank.account
    with pytest.raises(LedgerError, match="nol"):
        transaction_post(
            kind=Transaction.Kind.ADJUSTMENT,
            date=DAY,
            description="x",
            lines=[(bank_acc, D("10")), (fund_acc, D("-9"))],
            actor=ledger.treasurer,
        )
    with pytest.raises(LedgerError, match="dua baris"):
        transaction_post(
            kind=Transaction.Kind.ADJUSTMENT,
            date=DAY,
            description="x",
            lines=[(bank_acc, D("10"))],
            actor=ledger.treasurer,
        )
    with pytest.raises(LedgerError, match="Uraian"):
        transaction_post(
            kind=Transaction.Kind.ADJUSTMENT,
            date=DAY,
            description=" ",
            lines=[(bank_acc, D("10")), (fund_acc, D("-10"))],
            actor=ledger.treasurer,
        )
    assert not Transaction.objects.exists()


def test_a_reversal_posts_the_exact_opposite_and_points_at_the_original(ledger, give):
    original = give(ledger.matra, "750000")
    reversal = transaction_reverse(
        transaction=original, reason="salah dana", actor=ledger.treasurer
    )
    assert reversal.reverses == original
    assert sorted(p.amount for p in reversal.postings.all()) == sorted(
        -p.amount for p in original.postings.all()
    )
    assert fund_balance(fund=ledger.matra) == 0


def test_a_transaction_cannot_be_reversed_twice_nor_a_reversal_reversed(ledger, give):
    original = give(ledger.matra, "750000")
    reversal = transaction_reverse(transaction=original, reason="salah", actor=ledger.treasurer)
    with pytest.raises(LedgerError, match="sudah pernah dibalik"):
        transaction_reverse(transaction=original, reason="lagi", actor=ledger.treasurer)
    with pytest.raises(LedgerError):
        transaction_reverse(transaction=reversal, reason="lagi", actor=ledger.treasurer)
    with pytest.raises(LedgerError, match="Alasan"):
        transaction_reverse(transaction=original, reason="", actor=ledger.treasurer)


def test_reversing_a_contribution_already_spent_is_refused(ledger, give):
    original = give(ledger.matra, "100000")
    pay(ledger, ledger.matra, "60000")
    with pytest.raises(LedgerError, match="tidak cukup"):
        transaction_reverse(transaction=original, reason="salah", actor=ledger.treasurer)


def test_a_reversal_cannot_take_money_reserved_by_a_commitment(ledger, give):
    original = give(ledger.matra, "100000")
    commitment_open(fund=ledger.matra, amount=D("1"), reference=None, actor=ledger.treasurer)
    with pytest.raises(LedgerError, match="tidak cukup"):
        transaction_reverse(transaction=original, reason="salah", actor=ledger.treasurer)
    assert fund_available(fund=ledger.matra) == D("99999")


def test_a_commitment_reserves_money_and_lowers_what_is_available(ledger, give):
    give(ledger.matra, "1000000")
    commitment = commitment_open(
        fund=ledger.matra, amount=D("400000"), reference=None, actor=ledger.treasurer
    )
    assert fund_balance(fund=ledger.matra) == D("1000000")
    assert fund_available(fund=ledger.matra) == D("600000")
    with pytest.raises(LedgerError):
        pay(ledger, ledger.matra, "600000.01")
    with pytest.raises(LedgerError):
        commitment_open(fund=ledger.matra, amount=D("600001"), reference=None, actor=None)
    commitment_release(commitment=commitment, actor=ledger.treasurer, reason="batal")
    assert fund_available(fund=ledger.matra) == D("1000000")
    with pytest.raises(LedgerError):
        commitment_release(commitment=commitment, actor=ledger.treasurer)


def test_paying_a_commitment_uses_its_reservation_and_closes_it(ledger, give):
    give(ledger.matra, "1000000")
    commitment = commitment_open(
        fund=ledger.matra, amount=D("1000000"), reference=None, actor=ledger.treasurer
    )
    assert fund_available(fund=ledger.matra) == 0
    txn = pay(ledger, ledger.matra, "900000", commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PAID and commitment.payment == txn
    assert fund_balance(fund=ledger.matra) == D("100000")
    assert fund_available(fund=ledger.matra) == D("100000")
    with pytest.raises(LedgerError, match="sudah dibayar"):
        pay(ledger, ledger.matra, "1", commitment=commitment)


def test_a_transfer_moves_money_between_funds_without_touching_the_bank(ledger, give):
    give(ledger.matra, "1000000")
    transfer_record(
        source=ledger.matra,
        target=ledger.infak,
        amount=D("300000"),
        date=DAY,
        description="pindah",
        actor=ledger.treasurer,
    )
    assert fund_balance(fund=ledger.matra) == D("700000")
    assert fund_balance(fund=ledger.infak) == D("300000")
    assert Account.objects.get(location=ledger.bank).balance == D("1000000")
    with pytest.raises(LedgerError, match="tidak cukup"):
        transfer_record(
            source=ledger.matra,
            target=ledger.infak,
            amount=D("700001"),
            date=DAY,
            description="pindah",
            actor=ledger.treasurer,
        )
    with pytest.raises(LedgerError, match="sama"):
        transfer_record(
            source=ledger.matra,
            target=ledger.matra,
            amount=D("1"),
            date=DAY,
            description="pindah",
            actor=ledger.treasurer,
        )


def test_restricted_money_may_not_leave_its_purpose(ledger, give):
    give(ledger.csr, "5000000")
    with pytest.raises(LedgerError, match="tujuannya"):
        transfer_record(
            source=ledger.csr,
            target=ledger.matra,
            amount=D("1"),
            date=DAY,
            description="pindah",
            actor=ledger.treasurer,
        )
    with pytest.raises(LedgerError, match="program"):
        pay(ledger, ledger.csr, "100", programme="kesehatan")
    with pytest.raises(LedgerError, match="wilayah"):
        pay(ledger, ledger.csr, "100", area="33.14.01.2001")
    pay(ledger, ledger.csr, "5000000")
    assert fund_balance(fund=ledger.csr) == 0


def test_references_find_the_transactions_they_caused(ledger, give, personas):
    ref = personas["outsider"]
    txn = give(ledger.matra, "1000", reference=ref)
    give(ledger.matra, "2000")
    assert list(transactions_for_reference(reference=ref)) == [txn]
    assert txn.reference_type == "core.user" and txn.reference_id == str(ref.pk)


def test_funds_and_locations_are_found_by_code_and_balances_listed(ledger, give):
    give(ledger.matra, "1000")
    assert fund_get(code="matra") == ledger.matra
    assert money_location_get(code="kas") == ledger.kas
    rows = {row.fund.code: row for row in fund_balances()}
    assert rows["matra"].balance == D("1000") and rows["csr-rtlh-sambirejo"].balance == 0


def test_fund_balances_cost_one_query_however_many_funds(ledger, give, django_assert_num_queries):
    give(ledger.matra, "1000")
    with django_assert_num_queries(1):
        fund_balances()


def test_each_transaction_hash_chains_to_the_previous_one(ledger, give):
    first = give(ledger.matra, "1000")
    second = give(ledger.matra, "2000")
    assert first.prev_hash == "" and second.prev_hash == first.hash
    assert second.sequence == first.sequence + 1
    assert Posting.objects.filter(transaction=second).count() == 2


def test_a_contribution_holds_its_locks_for_four_statements_with_every_guard_in_them(ledger, give):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    give(ledger.matra, "1000")  # accounts and the ledger head exist from here on
    with CaptureQueriesContext(connection) as ctx:
        give(ledger.matra, "2500")
    work = [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))
    ]
    joined = "\n".join(work)
    assert "funds_ledgerhead" in joined and "funds_closedperiod" in joined
    assert 'INSERT INTO "core_auditentry"' in joined and "core_audithead" in joined
    assert 'INSERT INTO "funds_transaction"' in joined and 'INSERT INTO "funds_posting"' in joined
    # Before any lock: the accounts with their names, in one query.
    first_lock = next(i for i, sql in enumerate(work) if sql.startswith("SELECT id, balance"))
    assert first_lock == 1 and "funds_account" in work[0]
    held = work[first_lock:]
    if connection.vendor == "postgresql":
        # The accounts, the ledger head, the audit head (with the closed-month check under
        # the ledger head), then every write in one round trip.
        assert [sql.split(" FOR ")[-1] for sql in held[:3]] == [
            "NO KEY UPDATE",
            "UPDATE",
            "UPDATE",
        ]
        assert len(held) == 4
        assert held[3].count("INSERT INTO") == 3 and held[3].count("UPDATE ") == 3
    else:
        # SQLite serialises writers itself: the same writes, one statement each.
        assert len(held) == 3 + 6
    account = Account.objects.get(fund=ledger.matra)
    assert (account.balance, account.posting_count) == (D("3500.00"), 2)
