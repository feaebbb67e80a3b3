"""Transactions that belong to another app's record are corrected only through that record."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from funds.errors import LedgerError
from funds.models import Transaction
from funds.references import reference_link, register_reference
from funds.services import transaction_reverse

FUNDS = Path(__file__).resolve().parents[2] / "funds"


def test_a_referenced_transaction_is_reversed_only_with_its_own_record(ledger, give):
    record = ledger.head  # any saved model stands in for another app's record
    txn = give(ledger.matra, "1000", reference=record)
    with pytest.raises(LedgerError, match="milik core.user #"):
        transaction_reverse(transaction=txn, reason="koreksi", actor=ledger.treasurer)
    with pytest.raises(LedgerError):
        transaction_reverse(
            transaction=txn, reason="koreksi", actor=ledger.treasurer, reference=ledger.manager
        )
    reversal = transaction_reverse(
        transaction=txn, reason="koreksi", actor=ledger.treasurer, reference=record
    )
    assert reversal.reverses_id == txn.pk
    assert (reversal.reference_type, reversal.reference_id) == ("core.user", str(record.pk))


def test_a_transaction_without_a_reference_is_still_reversed_from_the_ledger(ledger, give, login):
    txn = give(ledger.matra, "1000")
    response = login(ledger.treasurer).post(
        reverse("funds:transaction_reverse", args=[txn.pk]),
        {"reason": "salah", "date": "2025-05-06"},
    )
    assert response.status_code == 302
    assert Transaction.objects.filter(reverses=txn).exists()


def test_the_registry_gives_the_owner_label_and_link(ledger):
    register_reference("tests.thing", label="Benda", url=lambda pk: f"/benda/{pk}/")
    assert reference_link("tests.thing", "7") == ("Benda #7", "/benda/7/")
    assert reference_link("tests.unknown", "7") == ("tests.unknown #7", None)


def test_funds_imports_none_of_the_apps_built_on_it():
    upper = {"donors", "beneficiaries", "disbursements", "transparency"}
    for path in FUNDS.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in upper, f"{path} imports {name}"


def test_amounts_stay_decimal_after_reversal(ledger, give):
    txn = give(ledger.matra, "1000")
    reversal = transaction_reverse(transaction=txn, reason="x", actor=ledger.treasurer)
    amounts = sorted(reversal.postings.values_list("amount", flat=True))
    assert amounts == [Decimal("-1000.00"), Decimal("1000.00")]
