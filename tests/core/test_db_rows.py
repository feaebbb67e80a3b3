"""core.db.insert_row / insert_statement write exactly what Model.save() would."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from core.audit import audit_entry_hash, audit_log, audit_verify
from core.db import insert_row, insert_statement, run_together
from core.models import AuditEntry
from funds.models import Account, Fund, MoneyLocation, Posting, Transaction
from funds.services import contribution_record

pytestmark = pytest.mark.django_db


def _row(model, pk, skip=("id",)):
    values = model_to_dict(model.objects.get(pk=pk))
    return {k: v for k, v in values.items() if k not in skip}


def test_an_audit_entry_written_in_one_statement_reads_back_as_the_orm_writes_it(admin_user):
    changes = {"jumlah": "1000.00", "nama": '=HYPERLINK("x")', "daftar": [1, None, "é"]}
    fields = {
        "at": dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC),
        "actor": admin_user,
        "actor_label": admin_user.email,
        "action": "uji.rekam",
        "object_type": "funds.transaction",
        "object_id": "7",
        "object_repr": "#7 Setoran",
        "changes": changes,
        "ip_address": "10.0.0.9",
        "sequence": 0,
        "hash": "h",
        "prev_hash": "p",
        "key_id": "k1",
    }
    fast = insert_row(AuditEntry(**fields))
    slow = AuditEntry.objects.create(**fields)
    assert fast.pk and fast.pk != slow.pk and not fast._state.adding
    assert _row(AuditEntry, fast.pk) == _row(AuditEntry, slow.pk)
    assert AuditEntry.objects.get(pk=fast.pk).changes == changes


def test_a_transaction_and_its_postings_written_in_one_statement_each_match_the_orm():
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    fields = {
        "sequence": 41,
        "kind": Transaction.Kind.CONTRIBUTION,
        "date": dt.date(2026, 2, 3),
        "description": "Setoran 'kas' ; DROP TABLE x",
        "hash": "a" * 64,
        "prev_hash": "b" * 64,
        "key_id": "k1",
    }
    fast = insert_row(Transaction(**fields))
    slow = Transaction.objects.create(**{**fields, "sequence": 42, "hash": "c" * 64})
    assert fast.created_at is not None  # auto_now_add filled as save() fills it
    assert _row(Transaction, fast.pk, skip=("id", "sequence", "hash")) == _row(
        Transaction, slow.pk, skip=("id", "sequence", "hash")
    )
    bank_account, fund_account = Account.objects.get(location=bank), Account.objects.get(fund=fund)
    run_together_rows(
        [
            Posting(
                transaction=fast,
                account=bank_account,
                amount=Decimal("1234567.89"),
                balance_after=Decimal("1234567.89"),
            ),
            Posting(
                transaction=fast,
                account=fund_account,
                amount=Decimal("-1234567.89"),
                balance_after=Decimal("1234567.89"),
            ),
        ]
    )
    Posting.objects.bulk_create(
        [
            Posting(transaction=slow, account=bank_account, amount=1, balance_after=1),
            Posting(transaction=slow, account=fund_account, amount=-1, balance_after=1),
        ]
    )
    assert sorted(fast.postings.values_list("amount", flat=True)) == [
        Decimal("-1234567.89"),
        Decimal("1234567.89"),
    ]


def test_a_row_the_database_refuses_is_reported_as_djangos_integrity_error():
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    posted = contribution_record(
        fund=fund,
        location=bank,
        amount=Decimal("5000"),
        date=dt.date(2026, 1, 5),
        description="masuk",
        reference=None,
        actor=None,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        # The same hash twice violates the unique constraint.
        insert_row(
            Transaction(
                sequence=posted.sequence + 1,
                kind="contribution",
                date=dt.date(2026, 1, 5),
                description="tiruan",
                hash=posted.hash,
            )
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        # A posting without an amount (NOT NULL).
        run_together_rows(
            [
                Posting(
                    transaction=posted,
                    account=Account.objects.get(fund=fund),
                    amount=None,
                    balance_after=1,
                )
            ]
        )
    assert Transaction.objects.count() == 1 and Posting.objects.count() == 2


def test_audit_entries_written_this_way_chain_and_verify(admin_user):
    first = audit_log(None, "uji.satu", actor=admin_user, object_type="x", object_id="1")
    second = audit_log(
        None, "uji.dua", actor=None, object_type="x", object_id="2", changes={"n": Decimal("1.50")}
    )
    assert (first.sequence + 1, first.hash) == (second.sequence, second.prev_hash)
    stored = AuditEntry.objects.get(pk=second.pk)
    assert audit_entry_hash(stored) == stored.hash and stored.changes == {"n": "1.50"}
    assert audit_verify() == []


def run_together_rows(objs):
    run_together([insert_statement(objs)])
