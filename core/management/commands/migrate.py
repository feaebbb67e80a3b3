"""`migrate` as the owner of the tables when DATABASE_MIGRATE_URL is set.

The application connects with DATABASE_URL, a role that owns nothing (it
cannot ALTER, disable a trigger or TRUNCATE). Migrations need the owner: with
DATABASE_MIGRATE_URL set, this command connects as that role for the
migration and then grants the application's role its rights on every table
(docs/operations.md, "Two database roles").
"""

import dj_database_url
from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections, transaction

from core.db import grant_app_role


class Command(MigrateCommand):
    def handle(self, *args, **options):
        url = getattr(settings, "DATABASE_MIGRATE_URL", "")
        alias = options["database"]
        connection = connections[alias]
        if not url or alias != "default" or connection.vendor != "postgresql":
            return super().handle(*args, **options)
        app_settings = dict(connection.settings_dict)
        owner = dj_database_url.parse(url)
        connection.close()
        for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
            connection.settings_dict[key] = owner[key]
        try:
            result = super().handle(*args, **options)
            if app_settings["USER"] and app_settings["USER"] != owner["USER"]:
                with transaction.atomic(using=alias), connection.cursor() as cursor:
                    grant_app_role(cursor, app_settings["USER"])
            return result
        finally:
            connection.close()
            connection.settings_dict.update(app_settings)
