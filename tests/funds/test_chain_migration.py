"""The migration that seals an existing (unkeyed) ledger with the chain key."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection

from funds.models import ClosedPeriod, LedgerHead, Transaction
from funds.services import period_close
from funds.verify import ledger_verify
from tests.funds.test_tamper_evidence import lift_guards, raw, rewrite_history, unkeyed_hash

migration = importlib.import_module("funds.migrations.0005_chain_keyed_seal")


class Editor:
    """What the migration uses of a schema editor: the connection and execute()."""

    connection = connection

    @staticmethod
    def execute(sql, params=None):
        raw(sql, params or ())


def _as_before_the_key(ledger, give):
    """Build a ledger whose chain is the old unkeyed SHA-256 one, as main had it."""
    give(ledger.matra, "1000", date=dt.date(2025, 3, 3))
    period_close(year=2025, month=3, actor=ledger.head, today=dt.date(2025, 5, 1))
    give(ledger.infak, "500", date=dt.date(2025, 4, 4))
    first = Transaction.objects.order_by("sequence").first()
    rewrite_history(first, 1, unkeyed_hash)  # same amounts, old hashes
    ClosedPeriod.objects.update(last_hash=Transaction.objects.get(sequence=1).hash)
    assert any("hash tidak cocok" in p for p in ledger_verify())


def test_the_migration_seals_an_intact_unkeyed_ledger_with_the_key(ledger, give):
    _as_before_the_key(ledger, give)
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    migration.reseal(apps, Editor())
    assert ledger_verify() == []
    head = LedgerHead.objects.get()
    assert head.last_hash == Transaction.objects.get(sequence=2).hash


def test_the_migration_refuses_a_ledger_whose_old_chain_is_broken(ledger, give):
    _as_before_the_key(ledger, give)
    lift_guards("funds_posting", "funds_transaction")
    raw("UPDATE funds_transaction SET description = 'diubah' WHERE sequence = 1")
    with pytest.raises(RuntimeError, match="old hash chain"):
        migration.reseal(apps, Editor())
