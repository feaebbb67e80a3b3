"""Database guards that every app may use in its migrations.

`append_only(table)` returns a migration operation that makes the database
itself refuse UPDATE and DELETE on a table, on PostgreSQL and on SQLite, so
that no code path (ORM, raw SQL, admin, a shell) can rewrite history.
"""

from __future__ import annotations

from django.db import connection, migrations

TRIGGER_PREFIX = "kenanga_append_only_"


def _pg_sql(table: str) -> list[str]:
    fn = f"{TRIGGER_PREFIX}{table}_fn"
    return [
        f"""
        CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'Tabel % hanya boleh ditambah (append-only): % ditolak.',
                TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table} ON {table};",
        f"""
        CREATE TRIGGER {TRIGGER_PREFIX}{table}
        BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {fn}();
        """,
    ]


def _sqlite_sql(table: str) -> list[str]:
    statements = []
    for op in ("UPDATE", "DELETE"):
        name = f"{TRIGGER_PREFIX}{table}_{op.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {name};")
        statements.append(
            f"CREATE TRIGGER {name} BEFORE {op} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'Tabel {table} hanya boleh ditambah (append-only): {op} ditolak.'); "
            f"END;"
        )
    return statements


def append_only_statements(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _pg_sql(table)
    if vendor == "sqlite":
        return _sqlite_sql(table)
    raise NotImplementedError(f"No append-only guard for database vendor {vendor!r}.")


def _drop_statements(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table} ON {table};",
            f"DROP FUNCTION IF EXISTS {TRIGGER_PREFIX}{table}_fn();",
        ]
    return [f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table}_{op};" for op in ("update", "delete")]


def append_only(table: str) -> migrations.RunPython:
    """Return a migration operation installing the append-only guard on `table`."""

    def forwards(apps, schema_editor):
        for sql in append_only_statements(table, schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        for sql in _drop_statements(table, schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards)


def sqlite_guard_triggers() -> list[tuple[str, str]]:
    """Return (name, sql) of every append-only trigger in the SQLite database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [TRIGGER_PREFIX + "%"],
        )
        return list(cursor.fetchall())
