"""python manage.py check_data_key: prove KENANGA_DATA_KEY opens the personal data stored here.

Run after every restore and every change of the environment file: a backup
restored with another key would otherwise look fine until the first person's
record is opened.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.crypto import EncryptedTextField, decrypt


def encrypted_columns():
    """Yield (label, table, column) of every encrypted field of every installed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield f"{model._meta.label}.{field.name}", model._meta.db_table, field.column


class Command(BaseCommand):
    help = (
        "Decrypt a sample of every encrypted column with KENANGA_DATA_KEY; exit non-zero when "
        "any value cannot be opened (wrong key) or, with --require-data, when there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sample", type=int, default=20, help="values read per column")
        parser.add_argument(
            "--require-data",
            action="store_true",
            help="fail when no encrypted value exists at all (nothing was proved)",
        )

    def handle(self, *args, sample, require_data, **options):
        if sample < 1:
            raise CommandError("--sample must be at least 1.")
        checked, failed = 0, []
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for label, table, column in encrypted_columns():
                # Newest and oldest rows: a key changed half-way through shows at either end.
                for order in ("DESC", "ASC"):
                    cursor.execute(
                        f"SELECT {quote(column)} FROM {quote(table)} "
                        f"WHERE {quote(column)} <> '' ORDER BY 1 {order} LIMIT %s",
                        [sample],
                    )
                    for (token,) in cursor.fetchall():
                        checked += 1
                        try:
                            decrypt(token)
                        except ValueError:
                            failed.append(label)
        if failed:
            columns = ", ".join(sorted(set(failed)))
            raise CommandError(
                f"KENANGA_DATA_KEY SALAH: {len(failed)} dari {checked} nilai terenkripsi tidak "
                f"dapat dibuka ({columns}). Pasang kunci yang dipakai saat data ini dibuat; "
                "jangan mengubah data sebelum itu."
            )
        if not checked:
            message = "Belum ada data pribadi terenkripsi: kunci belum dapat dibuktikan."
            if require_data:
                raise CommandError(message)
            self.stdout.write(message)
            return
        self.stdout.write(
            self.style.SUCCESS(f"Kunci data benar: {checked} nilai terenkripsi dapat dibuka.")
        )
