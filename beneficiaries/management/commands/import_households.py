"""python manage.py import_households FILE --source dtks --as-of YYYY-MM-DD

Validates every row first; on any error prints them all, imports nothing and
exits non-zero. The same file or source and data date is refused twice.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import ImportBatch, ListSource
from beneficiaries.national_list import (
    file_digest,
    import_refusal,
    national_list_commit,
    parse_national_list,
)


class Command(BaseCommand):
    help = "Import a national-list extract (DTKS/DTSEN/PPLS, CSV or XLSX): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", choices=ListSource.values, default=ListSource.DTKS)
        parser.add_argument("--as-of", required=True, help="data date, YYYY-MM-DD")

    def handle(self, *args, file, source, as_of, **options):
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"--as-of harus YYYY-MM-DD, tertulis {as_of!r}.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Berkas {file} tidak ditemukan.")
        data = path.read_bytes()
        digest = file_digest(data)
        refusal = import_refusal(source=source, as_of=as_of_date, digest=digest)
        if refusal:
            raise CommandError(refusal)
        parsed = parse_national_list(data, filename=path.name)
        for warning in parsed.warnings:
            self.stderr.write(f"Peringatan: {warning}")
        if parsed.errors:
            for error in parsed.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(parsed.errors)} kesalahan: tidak ada yang diimpor.")
        batch = ImportBatch.objects.create(
            source=source, as_of=as_of_date, filename=path.name[:255], file_sha256=digest
        )
        try:
            national_list_commit(batch=batch, parsed=parsed, actor="import_households")
        except BeneficiaryError as exc:
            batch.delete()
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Diimpor: {len(parsed.households)} KK, {parsed.persons} orang "
            f"({source.upper()} {as_of_date:%d-%m-%Y})."
        )
