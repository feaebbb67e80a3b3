"""The database refuses a transaction dated inside a closed month.

The services already refuse it (under the chain-head lock); this makes every
other path (raw SQL, a shell, a future service) meet the same rule.
"""

from django.db import migrations

PG_FORWARDS = [
    """
    CREATE OR REPLACE FUNCTION kenanga_closed_period_fn() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM funds_closedperiod
                   WHERE year = EXTRACT(YEAR FROM NEW.date)
                     AND month = EXTRACT(MONTH FROM NEW.date)) THEN
            RAISE EXCEPTION 'Periode %/% sudah ditutup: transaksi bertanggal % ditolak.',
                EXTRACT(MONTH FROM NEW.date), EXTRACT(YEAR FROM NEW.date), NEW.date
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    "DROP TRIGGER IF EXISTS kenanga_closed_period ON funds_transaction;",
    """
    CREATE TRIGGER kenanga_closed_period BEFORE INSERT ON funds_transaction
    FOR EACH ROW EXECUTE FUNCTION kenanga_closed_period_fn();
    """,
]
PG_BACKWARDS = [
    "DROP TRIGGER IF EXISTS kenanga_closed_period ON funds_transaction;",
    "DROP FUNCTION IF EXISTS kenanga_closed_period_fn();",
]
SQLITE_FORWARDS = [
    "DROP TRIGGER IF EXISTS kenanga_closed_period;",
    """
    CREATE TRIGGER kenanga_closed_period BEFORE INSERT ON funds_transaction
    WHEN EXISTS (SELECT 1 FROM funds_closedperiod
                 WHERE year = CAST(strftime('%Y', NEW.date) AS INTEGER)
                   AND month = CAST(strftime('%m', NEW.date) AS INTEGER))
    BEGIN SELECT RAISE(ABORT, 'Periode sudah ditutup: transaksi ditolak.'); END;
    """,
]
SQLITE_BACKWARDS = ["DROP TRIGGER IF EXISTS kenanga_closed_period;"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_FORWARDS if vendor == "postgresql" else SQLITE_FORWARDS:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_BACKWARDS if vendor == "postgresql" else SQLITE_BACKWARDS:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_ledger_guards")]
    operations = [migrations.RunPython(forwards, backwards)]
