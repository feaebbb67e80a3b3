import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from funds.models import Account, Commitment, Posting, Transaction
from funds.services import commitment_open, transaction_reverse
from funds.verify import ledger_verify

D = Decimal
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="deferred constraint triggers exist on PostgreSQL only",
)


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_posting_guard():
    if connection.vendor == "postgresql":
        # Run the deferred sum-to-zero checks now, as the commits before the tampering did.
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw("DROP TRIGGER kenanga_append_only_funds_posting ON funds_posting")
    else:
        raw("DROP TRIGGER kenanga_append_only_funds_posting_update")
        raw("DROP TRIGGER kenanga_append_only_funds_posting_delete")


def test_the_database_refuses_a_raw_update_of_a_posting(ledger, give):
    give(ledger.matra, "1000")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE funds_posting SET amount = amount * 2")
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [D("-1000"), D("1000")]


def test_the_database_refuses_a_raw_delete_of_a_posting_or_a_transaction(ledger, give):
    give(ledger.matra, "1000")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM funds_posting")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE funds_transaction SET description = 'diubah'")
    assert Posting.objects.count() == 2


def test_the_database_refuses_a_zero_posting_and_a_negative_balance(ledger, give):
    txn = give(ledger.matra, "1000")
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(
            transaction=txn, account=ledger.matra.account, amount=0, balance_after=0
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=ledger.matra.account.pk).update(balance=D("-1"))


@postgres_only
def test_postgresql_refuses_at_commit_a_transaction_whose_postings_do_not_sum_to_zero(ledger, give):
    txn = give(ledger.matra, "1000")
    with (
        pytest.raises(DatabaseError, match="tidak seimbang"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO funds_posting (transaction_id, account_id, amount, balance_after) "
            "VALUES (%s, %s, 5, 5)",
            [txn.pk, ledger.kas.account.pk],
        )
        # What COMMIT would do: run the deferred constraint triggers now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_verify_ledger_passes_on_an_untouched_ledger(ledger, give, capsys):
    txn = give(ledger.matra, "1000")
    give(ledger.infak, "500", location=ledger.kas)
    transaction_reverse(transaction=txn, reason="salah", actor=ledger.treasurer)
    commitment_open(fund=ledger.infak, amount=D("100"), reference=None, actor=None)
    assert ledger_verify() == []
    call_command("verify_ledger")
    assert "utuh" in capsys.readouterr().out


def test_verify_ledger_catches_a_posting_edited_with_the_guard_removed(ledger, give):
    give(ledger.matra, "1000")
    give(ledger.matra, "2000")
    drop_posting_guard()
    raw("UPDATE funds_posting SET amount = 1500 WHERE amount = 1000")
    problems = ledger_verify()
    text = "\n".join(problems)
    assert "hash tidak cocok" in text
    assert "bukan nol" in text
    assert "saldo tersimpan" in text
    with pytest.raises(CommandError, match="TIDAK utuh"):
        call_command("verify_ledger")


def test_verify_ledger_catches_a_deleted_transaction_and_a_stored_balance_edited(ledger, give):
    give(ledger.matra, "1000")
    last = give(ledger.matra, "2000")
    drop_posting_guard()
    if connection.vendor == "postgresql":
        raw("DROP TRIGGER kenanga_append_only_funds_transaction ON funds_transaction")
    else:
        raw("DROP TRIGGER kenanga_append_only_funds_transaction_delete")
    raw("DELETE FROM funds_posting WHERE transaction_id = %s", [last.pk])
    raw("DELETE FROM funds_transaction WHERE id = %s", [last.pk])
    Account.objects.filter(pk=ledger.kas.account.pk).update(balance=D("7"))
    text = "\n".join(ledger_verify())
    assert "Kepala rantai" in text
    assert "Kas" in text and "saldo tersimpan 7" in text
    assert "tidak sama dengan hak dana" in text


def test_verify_ledger_catches_commitments_out_of_step(ledger, give):
    give(ledger.matra, "1000")
    commitment = commitment_open(fund=ledger.matra, amount=D("400"), reference=None, actor=None)
    Commitment.objects.filter(pk=commitment.pk).update(status=Commitment.Status.RELEASED)
    assert any("komitmen" in p for p in ledger_verify())


def test_verify_ledger_catches_a_posting_dated_in_a_closed_period(ledger, give):
    from funds.models import ClosedPeriod

    give(ledger.matra, "1000", date=dt.date(2025, 3, 3))
    ClosedPeriod.objects.create(year=2025, month=3, last_sequence=0)
    assert any("sudah ditutup" in p for p in ledger_verify())
    assert Transaction.objects.count() == 1


def test_a_description_longer_than_its_column_still_verifies(ledger):
    from funds.services import contribution_record

    txn = contribution_record(
        fund=ledger.matra,
        location=ledger.bank,
        amount=D("1000"),
        date=dt.date(2025, 5, 5),
        description="Sumbangan " + "sangat panjang " * 30,
        reference=None,
        actor=ledger.manager,
    )
    assert len(txn.description) == 255
    assert ledger_verify() == []


def test_the_database_refuses_a_transaction_dated_in_a_closed_month(ledger, give, monkeypatch):
    from funds import services
    from funds.models import ClosedPeriod

    first = give(ledger.matra, "1000", date=dt.date(2025, 3, 3))
    ClosedPeriod.objects.create(year=2025, month=3, last_sequence=1, last_hash=first.hash)
    # Take away the service's own check: the database must still refuse.
    locked = services._lock_heads

    def heads_saying_open(date):
        *heads, _closed, key = locked(date)
        return (*heads, False, key)

    monkeypatch.setattr(services, "_lock_heads", heads_saying_open)
    monkeypatch.setattr(services, "_refuse_closed", lambda date: None)
    with pytest.raises(DatabaseError), transaction.atomic():
        give(ledger.matra, "500", date=dt.date(2025, 3, 20))
    assert Transaction.objects.count() == 1
    give(ledger.matra, "500", date=dt.date(2025, 4, 1))
    assert ledger_verify() == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="keys are taken ahead on PostgreSQL only"
)
def test_a_key_taken_before_later_postings_verifies_across_every_chunk(ledger, give, monkeypatch):
    """verify_ledger follows the chain's sequence, not the keys (decision 49)."""
    from funds import services, verify

    key = services.transaction_key_reserve()
    earlier = [give(ledger.matra, "1000") for _ in range(5)]
    late = services.contribution_record(
        fund=ledger.matra,
        location=ledger.bank,
        amount=Decimal("2500"),
        date=dt.date(2025, 5, 6),
        description="Potongan gaji",
        reference=None,
        actor=ledger.manager,
        key=key,
    )
    assert late.pk == key and all(late.pk < t.pk for t in earlier)
    assert all(late.sequence > t.sequence for t in earlier)
    monkeypatch.setattr(verify, "CHUNK", 2)
    assert ledger_verify() == []
