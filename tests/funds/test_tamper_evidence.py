"""A hostile insider with database access cannot rewrite the books unnoticed.

The insider here owns the tables: lifts the guards, rewrites rows, recomputes
every derived figure and puts the guards back. The keyed chain, the closed
months' recorded heads, the signed statements and the audit chain must still
give the rewrite away.
"""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.audit import audit_log, audit_verify
from core.db import sqlite_guard_triggers
from core.models import AuditEntry
from funds.models import Account, ClosedPeriod, LedgerHead, Posting, StatementSignoff, Transaction
from funds.services import period_close, statement_sign, transaction_hash
from funds.verify import ledger_verify

D = Decimal
CENT = D("0.01")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only"
)


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def lift_guards(*tables):
    """Do what the tables' owner can: switch the guard triggers off."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # what the earlier commits did
        for table in tables:
            raw(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    else:
        for name, _sql in sqlite_guard_triggers():
            raw(f'DROP TRIGGER "{name}"')


def unkeyed_hash(txn, lines, prev):
    """The chain as it was: plain SHA-256, which anyone can recompute."""
    rev = txn.reverses.sequence if txn.reverses_id else None
    content = {
        "seq": txn.sequence,
        "kind": txn.kind,
        "date": txn.date.isoformat(),
        "desc": txn.description,
        "ref": [txn.reference_type, txn.reference_id],
        "rev": rev,
        "prog": txn.programme,
        "area": txn.area,
        "asnaf": txn.asnaf,
        "lines": sorted([a, str(D(m).quantize(CENT))] for a, m in lines),
        "prev": prev,
    }
    raw_json = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw_json.encode()).hexdigest()


def rewrite_history(target, factor, rehash):
    """Multiply `target`'s amounts, recompute balances, counts, the chain and the head."""
    lift_guards("funds_posting", "funds_transaction")
    raw(
        "UPDATE funds_posting SET amount = amount * %s WHERE transaction_id = %s",
        [factor, target.pk],
    )
    prev = ""
    for txn in Transaction.objects.order_by("sequence"):
        lines = list(txn.postings.values_list("account_id", "amount"))
        digest = rehash(txn, lines, prev)
        raw(
            "UPDATE funds_transaction SET hash = %s, prev_hash = %s WHERE id = %s",
            [digest, prev, txn.pk],
        )
        prev = digest
    running: dict[int, Decimal] = {}
    for posting in Posting.objects.select_related("account").order_by("transaction__sequence"):
        running[posting.account_id] = (
            running.get(posting.account_id, D(0)) + posting.amount * posting.account.sign
        )
        raw(
            "UPDATE funds_posting SET balance_after = %s WHERE id = %s",
            [running[posting.account_id], posting.pk],
        )
    for account in Account.objects.all():
        Account.objects.filter(pk=account.pk).update(balance=running.get(account.pk, D(0)))
    last = Transaction.objects.order_by("-sequence").first()
    LedgerHead.objects.filter(pk=1).update(last_sequence=last.sequence, last_hash=prev)


def test_an_insider_who_multiplies_amounts_and_recomputes_an_unkeyed_chain_is_caught(ledger, give):
    target = give(ledger.matra, "1000")
    give(ledger.infak, "500", location=ledger.kas)
    assert ledger_verify() == []

    rewrite_history(target, 10, unkeyed_hash)

    # Everything the insider could recompute now agrees with itself ...
    assert Account.objects.get(fund=ledger.matra).balance == D("10000")
    # ... but the hashes need the chain key, which the database never held.
    problems = "\n".join(ledger_verify())
    assert "hash tidak cocok" in problems
    with pytest.raises(CommandError, match="TIDAK utuh"):
        call_command("verify_ledger")


def test_an_insider_who_also_holds_the_key_is_caught_by_the_closed_months_head(ledger, give):
    target = give(ledger.matra, "1000", date=dt.date(2025, 3, 3))
    give(ledger.matra, "200", date=dt.date(2025, 4, 4))
    period = period_close(year=2025, month=3, actor=ledger.head, today=dt.date(2025, 5, 1))

    def keyed(txn, lines, prev):
        return transaction_hash(
            sequence=txn.sequence,
            kind=txn.kind,
            date=txn.date,
            description=txn.description,
            reference_type=txn.reference_type,
            reference_id=txn.reference_id,
            reverses_sequence=None,
            programme=txn.programme,
            area=txn.area,
            asnaf=txn.asnaf,
            lines=lines,
            prev_hash=prev,
        )

    rewrite_history(target, 10, keyed)

    problems = "\n".join(ledger_verify())
    assert "hash tidak cocok" not in problems  # the chain itself is consistent again
    assert "Periode 03/2025" in problems and period.last_hash[:16] in problems


def test_a_signed_statement_whose_figures_were_rewritten_is_reported(ledger, give):
    target = give(ledger.matra, "1000", date=dt.date(2025, 3, 3))
    statement_sign(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31), actor=ledger.head)
    assert ledger_verify() == []
    lift_guards("funds_posting", "funds_statementsignoff")
    signoff = StatementSignoff.objects.get()
    figures = signoff.figures
    figures["funds"][0]["values"][1] = "9999.00"
    StatementSignoff.objects.filter(pk=signoff.pk).update(figures=figures)
    assert any("angka yang tersimpan" in p for p in ledger_verify())
    raw("UPDATE funds_posting SET amount = amount * 2 WHERE transaction_id = %s", [target.pk])
    assert any("sidik angkanya" in p and "buku besar" in p for p in ledger_verify())


def test_transactions_sealed_with_a_retired_key_verify_while_it_is_listed(ledger, give, settings):
    old_key = settings.KENANGA_CHAIN_KEY
    give(ledger.matra, "1000")
    settings.KENANGA_CHAIN_KEY = "b" * 16 + "0123456789abcdef" + "c" * 16
    settings.KENANGA_CHAIN_OLD_KEYS = [old_key]
    give(ledger.matra, "2000")
    keys = set(Transaction.objects.values_list("key_id", flat=True))
    assert len(keys) == 2
    assert ledger_verify() == [] and audit_verify() == []
    settings.KENANGA_CHAIN_OLD_KEYS = []
    problems = "\n".join(ledger_verify() + audit_verify())
    assert "kunci rantai" in problems and "Transaksi #1" in problems


def test_an_audit_entry_edited_or_removed_by_the_owner_breaks_the_audit_chain(ledger, give):
    give(ledger.matra, "1000")
    entry = audit_log(None, "tests.something", actor=ledger.head, object_type="x", object_id="1")
    audit_log(None, "tests.other", actor=ledger.head, object_type="x", object_id="2")
    assert audit_verify() == []
    lift_guards("core_auditentry")
    AuditEntry.objects.filter(pk=entry.pk).update(actor_label="orang lain")
    assert any("hash tidak cocok" in p for p in audit_verify())
    AuditEntry.objects.filter(pk=entry.pk).delete()
    assert any("hilang" in p or "prev_hash" in p for p in audit_verify())
    with pytest.raises(CommandError):
        call_command("verify_ledger")


def test_removing_the_newest_audit_entry_is_noticed_through_the_audit_head(ledger, give):
    give(ledger.matra, "1000")
    last = AuditEntry.objects.order_by("-sequence").first()
    lift_guards("core_auditentry")
    AuditEntry.objects.filter(pk=last.pk).delete()
    assert any("Kepala rantai audit" in p for p in audit_verify())


@postgres_only
@pytest.mark.parametrize(
    "table",
    ["core_auditentry", "funds_posting", "funds_transaction", "funds_statementsignoff"],
)
def test_postgresql_refuses_to_truncate_an_append_only_table(ledger, give, table):
    give(ledger.matra, "1000")
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # as if committed: no pending deferred checks
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"TRUNCATE {table} CASCADE")
    assert AuditEntry.objects.exists() and Posting.objects.exists()


def test_sqlite_and_postgresql_refuse_to_empty_the_audit_log(ledger, give):
    give(ledger.matra, "1000")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM core_auditentry")
    assert AuditEntry.objects.exists()


def test_a_closed_month_records_the_chain_head_that_verify_checks(ledger, give):
    last = give(ledger.matra, "1000", date=dt.date(2025, 3, 3))
    period = period_close(year=2025, month=3, actor=ledger.head, today=dt.date(2025, 5, 1))
    assert (period.last_sequence, period.last_hash) == (last.sequence, last.hash)
    ClosedPeriod.objects.filter(pk=period.pk).update(last_hash="0" * 64)
    assert any("Periode 03/2025" in p for p in ledger_verify())
