"""Insert many rows fast: PostgreSQL COPY, or bulk_create elsewhere.

A 15.000-row payroll file makes 15.000 contributions and 15.000 receipts in
one transaction. Building a model instance per row and letting bulk_create
prepare each value costs more than the database's own work; on PostgreSQL the
rows are copied as plain tuples. Primary keys are taken from the table's
sequence first, so the caller can link rows (receipts point at contributions).
Only for models whose fields store values as they are (no encryption).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

BATCH = 2000
COPY_FROM = 500  # below this many rows the difference does not matter


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]
) -> list[int]:
    """Insert `rows` (tuples of values for the field attnames in `columns`); return their pks.

    Columns left out are stored as NULL on PostgreSQL, so every NOT NULL field
    must be named (Django's defaults are not applied by the database).
    """
    if not rows:
        return []
    meta = model._meta
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        return [obj.pk for obj in model.objects.bulk_create(objs, batch_size=BATCH)]
    by_attname = {f.attname: f for f in meta.concrete_fields}
    db_columns = [meta.pk.column] + [by_attname[name].column for name in columns]
    qn = connection.ops.quote_name
    # wrap_database_errors: a unique or foreign-key violation during COPY is raised
    # as Django's IntegrityError, as bulk_create would raise it.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        # One text value instead of 15.000 result rows: the driver's per-row work
        # cost more than taking the numbers from the sequence.
        cursor.execute(
            "SELECT string_agg(nextval(pg_get_serial_sequence(%s, %s))::text, ',')"
            " FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [int(pk) for pk in cursor.fetchone()[0].split(",")]
        sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(c) for c in db_columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
    return ids
