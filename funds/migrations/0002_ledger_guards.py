"""Database guards of the ledger (schema only; see docs/ledger.md).

Postings and transactions are append-only on both databases. On PostgreSQL a
DEFERRABLE INITIALLY DEFERRED constraint trigger checks at COMMIT that every
transaction touched has two or more postings summing to zero; SQLite has no
deferred triggers, so there the service and `verify_ledger` check it.
"""

from django.db import migrations

from core.db import append_only

PG_BALANCED = """
CREATE OR REPLACE FUNCTION funds_transaction_balanced_fn() RETURNS trigger AS $$
DECLARE
    txn_id bigint;
    total numeric;
    lines integer;
BEGIN
    IF TG_TABLE_NAME = 'funds_transaction' THEN
        txn_id := NEW.id;
    ELSE
        txn_id := NEW.transaction_id;
    END IF;
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, lines
        FROM funds_posting WHERE transaction_id = txn_id;
    IF lines < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'Transaksi % tidak seimbang: % baris, jumlah %.', txn_id, lines, total
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS funds_posting_balanced ON funds_posting;
CREATE CONSTRAINT TRIGGER funds_posting_balanced
    AFTER INSERT ON funds_posting DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_transaction_balanced_fn();
DROP TRIGGER IF EXISTS funds_transaction_balanced ON funds_transaction;
CREATE CONSTRAINT TRIGGER funds_transaction_balanced
    AFTER INSERT ON funds_transaction DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION funds_transaction_balanced_fn();
"""
PG_BALANCED_DROP = """
DROP TRIGGER IF EXISTS funds_posting_balanced ON funds_posting;
DROP TRIGGER IF EXISTS funds_transaction_balanced ON funds_transaction;
DROP FUNCTION IF EXISTS funds_transaction_balanced_fn();
"""


def balanced_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BALANCED, params=None)


def balanced_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BALANCED_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [
        append_only("funds_posting"),
        append_only("funds_transaction"),
        migrations.RunPython(balanced_forwards, balanced_backwards),
    ]
