"""The application runs as a PostgreSQL role that owns nothing.

It posts to the ledger and writes the audit log through the services, and the
database refuses it everything an insider would need to rewrite history:
ALTER TABLE, disabling a trigger, TRUNCATE, UPDATE or DELETE of append-only rows.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.audit import audit_verify
from funds.models import Fund, MoneyLocation, Posting
from funds.services import contribution_record, transaction_reverse
from funds.verify import ledger_verify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL"),
]


def _sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def app_role():
    """Create a restricted role for this test database, connect as it, then clean up."""
    name = f"{connection.settings_dict['NAME']}_app"[:60]
    call_command("db_grant_app_role", name, create=True, stdout=io.StringIO())
    owner = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=name, PASSWORD="")
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict.update(owner)
        _sql(f'DROP OWNED BY "{name}"')
        _sql(f'DROP ROLE "{name}"')


def test_the_restricted_role_posts_through_the_services_but_cannot_rewrite_history(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    txn = contribution_record(
        fund=fund,
        location=bank,
        amount=Decimal("1000"),
        date=dt.date(2025, 5, 5),
        description="masuk",
        reference=None,
        actor=None,
    )
    transaction_reverse(transaction=txn, reason="salah catat", actor=None)
    assert ledger_verify() == [] and audit_verify() == []

    forbidden = [
        "ALTER TABLE funds_posting DISABLE TRIGGER USER",
        "ALTER TABLE funds_posting DISABLE TRIGGER kenanga_append_only_funds_posting",
        "ALTER TABLE core_auditentry DISABLE TRIGGER ALL",
        "ALTER TABLE funds_transaction ADD COLUMN x integer",
        "DROP TRIGGER kenanga_append_only_funds_transaction ON funds_transaction",
        "TRUNCATE funds_posting CASCADE",
        "TRUNCATE core_auditentry",
        "UPDATE funds_posting SET amount = amount * 10",
        "DELETE FROM core_auditentry",
        "SET session_replication_role = replica",
        "CREATE TABLE kenanga_shadow (id integer)",
    ]
    for sql in forbidden:
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql(sql)
    assert Posting.objects.count() == 4
    assert ledger_verify() == []


def test_granting_refuses_a_role_that_owns_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError):
        call_command("db_grant_app_role", owner, stdout=io.StringIO())


def test_migrate_connects_as_the_owner_from_database_migrate_url(app_role, settings):
    owner = "postgres"
    d = connection.settings_dict
    settings.DATABASE_MIGRATE_URL = f"postgres://{owner}@{d['HOST']}:{d['PORT']}/{d['NAME']}"
    seen = []

    def note_user(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])

    from django.db.models.signals import post_migrate

    post_migrate.connect(note_user, dispatch_uid="note-user")
    try:
        call_command("migrate", verbosity=0)
    finally:
        post_migrate.disconnect(dispatch_uid="note-user")
    assert seen and set(seen) == {owner}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    Fund.objects.create(code="baru", name="Baru")  # the app role still writes afterwards
