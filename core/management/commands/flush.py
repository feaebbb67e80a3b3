"""`flush` that also works on SQLite's append-only tables.

Emptying the whole database is a deliberate act (the test suite does it
between browser tests). PostgreSQL's TRUNCATE does not fire row triggers;
SQLite's flush deletes row by row, so the guards are lifted for the flush
and put back right after, in the same connection.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from core.db import sqlite_guard_triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
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
