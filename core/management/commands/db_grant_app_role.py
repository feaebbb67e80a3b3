"""python manage.py db_grant_app_role ROLE: grant the application's restricted role its rights.

Run as the database owner (DATABASE_URL or DATABASE_MIGRATE_URL of the owner);
`migrate` runs it by itself after migrating with DATABASE_MIGRATE_URL.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from core.db import grant_app_role


class Command(BaseCommand):
    help = (
        "Grant a PostgreSQL role the rights Kenanga's application needs (rows only: it owns "
        "nothing, cannot ALTER, disable triggers or TRUNCATE). Run as the tables' owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument(
            "--create", action="store_true", help="Create the role (LOGIN) when it is missing."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, role, create, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            if create:
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cursor.fetchone() is None:
                    quoted = '"' + role.replace('"', '""') + '"'
                    cursor.execute(
                        f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                    )
            try:
                statements = grant_app_role(cursor, role)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        for sql in statements:
            self.stdout.write(sql + ";")
        self.stdout.write(self.style.SUCCESS(f"Role {role} may now run Kenanga (owns nothing)."))
