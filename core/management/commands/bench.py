"""python manage.py bench [--quick] [--write-docs]: the regency-scale benchmark (bench/regency.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Builds regency-scale data by COPY in a separate database (kenanga_bench on the same "
        "PostgreSQL server, dropped and created again) and measures import rates, pages, "
        "balance reads, ledger writes and load, each against a limit measured in the same run. "
        "--quick runs a small version in under two minutes (a smoke test; no speed asserted). "
        "--pages measures every page again on the data kept from the last run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="small sizes, short load test")
        parser.add_argument(
            "--write-docs",
            action="store_true",
            help="replace the generated section of docs/benchmarks.md with this run",
        )
        parser.add_argument(
            "--database", default="kenanga_bench", help="name of the scratch database"
        )
        parser.add_argument(
            "--pages",
            action="store_true",
            help="measure every page again against the data an earlier run left in --database "
            "(migrations applied, nothing dropped or generated)",
        )

    def handle(self, *args, quick, write_docs, database, pages, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark compares against PostgreSQL COPY: set DATABASE_URL to PostgreSQL."
            )
        if database == connection.settings_dict["NAME"]:
            raise CommandError("The scratch database may not be the application's own database.")
        if not database.replace("_", "").isalnum():
            raise CommandError("--database: letters, digits and _ only.")
        import psycopg

        s = connection.settings_dict
        auth = s.get("USER") or "postgres"
        if s.get("PASSWORD"):
            auth += f":{s['PASSWORD']}"
        server = f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            if pages and not exists:
                raise CommandError(f"--pages: no database {database}; run manage.py bench first.")
            if not pages:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{database}"')
        root = Path(settings.BASE_DIR)
        env = {
            **os.environ,
            "DATABASE_URL": f"{server}/{database}",
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "PYTHONPATH": str(root),
        }
        command = [sys.executable, "-m", "bench.regency"]
        command += ["--quick"] * quick + ["--write-docs"] * write_docs + ["--pages"] * pages
        result = subprocess.run(command, cwd=root, env=env, check=False)  # noqa: S603
        if result.returncode:
            raise CommandError(f"The benchmark failed (exit {result.returncode}).")
