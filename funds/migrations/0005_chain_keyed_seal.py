"""Seal the existing ledger with the keyed chain, and guard against TRUNCATE.

Before this migration the chain was an unkeyed SHA-256, which anyone able to
rewrite rows could recompute. The migration first checks the old chain (a
broken one stops the migration: run verify_ledger and investigate), then
re-seals every transaction in sequence order with KENANGA_CHAIN_KEY and moves
the ledger head and the recorded head of every closed month along. Only the
tables' owner can do this (it lifts the append-only guard for the rewrite).
"""

import hashlib
import importlib
import json
from collections import defaultdict
from decimal import Decimal

from django.db import migrations

from core.db import append_only, guards_lifted

CENT = Decimal("0.01")


def _legacy_hash(txn, rev_seq, lines):
    content = {
        "seq": txn.sequence,
        "kind": str(txn.kind),
        "date": txn.date.isoformat(),
        "desc": txn.description,
        "ref": [txn.reference_type, txn.reference_id],
        "rev": rev_seq,
        "prog": txn.programme,
        "area": txn.area,
        "asnaf": txn.asnaf,
        "lines": sorted([int(a), str(Decimal(m).quantize(CENT))] for a, m in lines),
        "prev": txn.prev_hash,
    }
    raw = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def reseal(apps, schema_editor):
    from core.chain import current_key_id
    from funds.services import transaction_hash

    Transaction = apps.get_model("funds", "Transaction")
    Posting = apps.get_model("funds", "Posting")
    LedgerHead = apps.get_model("funds", "LedgerHead")
    ClosedPeriod = apps.get_model("funds", "ClosedPeriod")
    if not Transaction.objects.exists():
        return
    lines = defaultdict(list)
    for txn_id, account_id, amount in Posting.objects.values_list(
        "transaction_id", "account_id", "amount"
    ):
        lines[txn_id].append((account_id, amount))
    seq_of = dict(Transaction.objects.values_list("pk", "sequence"))
    key_id = current_key_id()
    new_of: dict[str, str] = {"": ""}
    prev_old = prev_new = ""
    with guards_lifted(schema_editor, "funds_transaction"):
        for txn in Transaction.objects.order_by("sequence").iterator(chunk_size=2000):
            rev_seq = seq_of.get(txn.reverses_id) if txn.reverses_id else None
            if txn.prev_hash != prev_old or _legacy_hash(txn, rev_seq, lines[txn.pk]) != txn.hash:
                raise RuntimeError(
                    f"Transaction #{txn.sequence} does not match the old hash chain: the ledger "
                    "was altered. Run verify_ledger on the previous version and investigate "
                    "before migrating."
                )
            digest = transaction_hash(
                key_id=key_id,
                sequence=txn.sequence,
                kind=txn.kind,
                date=txn.date,
                description=txn.description,
                reference_type=txn.reference_type,
                reference_id=txn.reference_id,
                reverses_sequence=rev_seq,
                programme=txn.programme,
                area=txn.area,
                asnaf=txn.asnaf,
                lines=lines[txn.pk],
                prev_hash=prev_new,
            )
            Transaction.objects.filter(pk=txn.pk).update(
                hash=digest, prev_hash=prev_new, key_id=key_id
            )
            new_of[txn.hash] = digest
            prev_old, prev_new = txn.hash, digest
    for head in LedgerHead.objects.all():
        LedgerHead.objects.filter(pk=head.pk).update(last_hash=new_of.get(head.last_hash, ""))
    for period in ClosedPeriod.objects.all():
        ClosedPeriod.objects.filter(pk=period.pk).update(
            last_hash=new_of.get(period.last_hash, "")
        )


def closed_period_guard(apps, schema_editor):
    # SQLite rebuilt funds_transaction for the new column, which drops its triggers.
    importlib.import_module("funds.migrations.0003_closed_period_guard").forwards(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [("funds", "0004_transaction_key_id"), ("core", "0006_audit_chain_seal")]
    operations = [
        migrations.RunPython(reseal, migrations.RunPython.noop),
        # Re-installed to add the BEFORE TRUNCATE guards (idempotent).
        append_only("funds_posting"),
        append_only("funds_transaction"),
        migrations.RunPython(closed_period_guard, migrations.RunPython.noop),
    ]
