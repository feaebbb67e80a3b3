"""Database guards that every app may use in its migrations.

`append_only(table)` returns a migration operation that makes the database
itself refuse UPDATE, DELETE and TRUNCATE on a table, on PostgreSQL and on
SQLite (which has no TRUNCATE: its DELETE guard covers it), so that no code
path (ORM, raw SQL, admin, a shell) can rewrite history. Only the role that
owns the table can lift a guard (ALTER TABLE); the application connects as a
role that owns nothing (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

from django.db import connection, migrations, models

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
        # Row triggers do not fire on TRUNCATE: a statement trigger does.
        f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table}_truncate ON {table};",
        f"""
        CREATE TRIGGER {TRIGGER_PREFIX}{table}_truncate
        BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
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
            f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{table}_truncate ON {table};",
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


@contextmanager
def guards_lifted(schema_editor, table: str):
    """Lift the append-only guard of `table` inside a migration (run by the owner), then restore it.

    Only for migrations that must rewrite stored rows (e.g. sealing them with a
    new key); everything else is refused by the guard.
    """
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER_PREFIX}{table}")
    else:
        for sql in _drop_statements(table, vendor):
            schema_editor.execute(sql, params=None)
    try:
        yield
    finally:
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER_PREFIX}{table}")
        else:
            for sql in append_only_statements(table, vendor):
                schema_editor.execute(sql, params=None)


def pg_truncate_guards(cursor) -> list[tuple[str, str]]:
    """Return (table, trigger) of every TRUNCATE guard in the PostgreSQL database."""
    cursor.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname LIKE %s AND NOT t.tgisinternal",
        [TRIGGER_PREFIX + "%_truncate"],
    )
    return list(cursor.fetchall())


def sqlite_guard_triggers() -> list[tuple[str, str]]:
    """Return (name, sql) of every append-only trigger in the SQLite database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [TRIGGER_PREFIX + "%"],
        )
        return list(cursor.fetchall())


def grant_app_role(cursor, role: str) -> list[str]:
    """Give the application's database role what it needs and nothing more (PostgreSQL).

    Run as the owner of the tables. The role may read and write rows; it owns
    nothing, so it cannot ALTER a table, disable a trigger or TRUNCATE, and on
    the append-only tables it may not even DELETE (their triggers refuse UPDATE). Default privileges
    cover the tables that later migrations (run by the owner) create.
    Returns the statements run.
    """
    cursor.execute(
        "SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        raise ValueError(f"Database role {role!r} does not exist: create it first.")
    if row[0]:
        raise ValueError(f"Database role {role!r} is a superuser or may create roles.")
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE r.rolname = %s AND n.nspname = 'public' LIMIT 1",
        [role],
    )
    owned = cursor.fetchone()
    if owned:
        raise ValueError(
            f"Database role {role!r} owns {owned[0]!r}: the application role must own nothing "
            "(run migrations as the owner with DATABASE_MIGRATE_URL)."
        )
    cursor.execute("SELECT current_database(), current_user")
    database, owner = cursor.fetchone()
    quoted = '"' + role.replace('"', '""') + '"'
    statements = [
        f'GRANT CONNECT ON DATABASE "{database}" TO {quoted}',
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"REVOKE CREATE ON SCHEMA public FROM {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public '
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
    ]
    # UPDATE stays granted on the append-only tables because SELECT … FOR UPDATE
    # (locking the transaction being reversed) needs it; their triggers refuse UPDATE.
    for table, _trigger in pg_truncate_guards(cursor):
        statements.append(f'REVOKE DELETE, TRUNCATE ON "{table}" FROM {quoted}')
    for sql in statements:
        cursor.execute(sql)
    return statements


# --- short writes for the sections that hold a global lock -------------------------------------
# The ledger and the audit log are written while their chain heads are locked, so every
# writer queues behind the one holding them. These helpers write rows with one plain SQL
# statement each, built once per model, so that the time under the lock is the database's
# and not the ORM's compiling of queries (decision 48).
_INSERT_SQL: dict[tuple[type, str, int, bool, bool], str] = {}


def _insert_sql(model: type[models.Model], rows: int, returning: bool, with_pk: bool) -> str:
    key = (model, connection.vendor, rows, returning, with_pk)
    sql = _INSERT_SQL.get(key)
    if sql is None:
        meta, qn = model._meta, connection.ops.quote_name
        fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
        marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES {', '.join([marks] * rows)}"
        )
        if returning:
            sql += f" RETURNING {qn(meta.pk.column)}"
        _INSERT_SQL[key] = sql
    return sql


def _insert_params(obj: models.Model, with_pk: bool) -> list:
    # What Model.save() would send: pre_save fills auto_now_add, get_db_prep_save adapts.
    return [
        f.get_db_prep_save(f.pre_save(obj, True), connection)
        for f in obj._meta.concrete_fields
        if with_pk or not f.primary_key
    ]


def _saved(obj: models.Model) -> None:
    obj._state.adding = False
    obj._state.db = connection.alias


def insert_row(obj: models.Model) -> models.Model:
    """INSERT one new model instance in one statement and set its primary key.

    Like `obj.save(force_insert=True)` for a model without save() overrides or
    signals (the ledger and audit rows), without compiling a query each time.
    """
    model = type(obj)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, 1, True, False), _insert_params(obj, False))
        obj.pk = cursor.fetchone()[0]
    _saved(obj)
    return obj


def insert_statement(objs: Sequence[models.Model]) -> tuple[str, list]:
    """Return the INSERT of new instances of one model (their keys set if already known).

    For `run_together`; the instances count as saved once it has run.
    """
    with_pk = objs[0].pk is not None
    params = [value for obj in objs for value in _insert_params(obj, with_pk)]
    for obj in objs:
        _saved(obj)
    return _insert_sql(type(objs[0]), len(objs), False, with_pk), params


def _binds_on_client(cursor) -> bool:
    if connection.vendor != "postgresql":
        return False
    import psycopg

    return isinstance(cursor.cursor, psycopg.ClientCursor)


def run_together(statements: Sequence[tuple[str, list]]) -> None:
    """Run statements that return nothing: on PostgreSQL in one round trip, else one by one.

    The driver binds the parameters on the client and sends the statements as one
    simple query, which runs them in order inside the open transaction; the first
    error stops them all and is raised as Django's database error.
    """
    with connection.cursor() as cursor:
        if len(statements) > 1 and _binds_on_client(cursor):
            cursor.execute(
                "; ".join(sql for sql, _params in statements),
                [value for _sql, params in statements for value in params],
            )
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def deferred_checks_now(*, tables: Sequence[str], keep_deferred_to: str = "") -> None:
    """Run now, not at COMMIT, the foreign-key checks of rows written to `tables` (PostgreSQL).

    Django's foreign keys are deferred to COMMIT. A booking that writes thousands of
    rows and then takes the ledger's locks runs their checks here, before the locks
    (decision 49); the references to `keep_deferred_to` (a row written later in the
    same transaction) stay deferred. No constraint here is deferrable and initially
    immediate, so setting them back to DEFERRED restores the defaults.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.conname), ', ') "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND c.condeferrable AND c.condeferred "
            "AND c.conrelid = ANY (%s::regclass[]) "
            "AND (%s = '' OR c.confrelid <> %s::regclass)",
            [list(tables), keep_deferred_to, keep_deferred_to or "pg_class"],
        )
        names = cursor.fetchone()[0]
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")
