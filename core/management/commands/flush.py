"""`flush` that also works on the append-only tables.

Emptying the whole database is a deliberate act of the tables' owner (the
test suite does it between browser tests). On PostgreSQL the TRUNCATE guards
are disabled for the flush and enabled again in the same database
transaction (only the owner may); SQLite's flush deletes row by row, so the
guards are lifted for the flush and put back right after, in the same connection.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections, transaction

from core.db import pg_truncate_guards, sqlite_guard_triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor == "postgresql":
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                guards = pg_truncate_guards(cursor)
                for table, trigger in guards:
                    cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
                result = super().handle(**options)
                for table, trigger in guards:
                    cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
                return result
        if connection.vendor != "sqlite":
            return super().handle(**options)
        triggers = sqlite_guard_triggers()
        with connection.cursor() as cursor:
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)
