"""Import one OPD's monthly payroll deduction file from the command line.

    python manage.py import_contributions FILE --fund matra --period 2025-03 --opd DINKES \
        [--expected-count 42 --expected-total 6.300.000] [--date 2025-03-28] [--location bank-jateng]

All or nothing: on any error it prints every error, exits non-zero and records nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.money import MoneyError, format_rupiah, parse_amount
from donors import ledger
from donors.errors import DonorError
from donors.models import Opd, Scheme
from donors.payroll import parse_period
from donors.services import payroll_import_commit, payroll_import_prepare


class Command(BaseCommand):
    help = "Import a monthly payroll deduction file (CSV or XLSX) for one OPD: all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--fund", required=True, help="fund code, e.g. matra")
        parser.add_argument("--period", required=True, help="month, YYYY-MM")
        parser.add_argument("--opd", required=True, help="OPD code, e.g. DINKES")
        parser.add_argument("--expected-count", type=int, default=None)
        parser.add_argument("--expected-total", default=None)
        parser.add_argument(
            "--date", default=None, help="date the money arrived, YYYY-MM-DD (today)"
        )
        parser.add_argument("--location", default=None, help="money location code (the scheme's)")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        try:
            period = parse_period(opts["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        opd = Opd.objects.filter(code__iexact=opts["opd"].strip()).first()
        if opd is None:
            raise CommandError(f"OPD dengan kode {opts['opd']!r} tidak dikenal.")
        try:
            fund = ledger.fund_get(code=opts["fund"])
        except Exception:
            raise CommandError(f"Dana dengan kode {opts['fund']!r} tidak dikenal.") from None
        scheme = Scheme.objects.filter(fund=fund).select_related("fund", "deposit_location").first()
        if scheme is None:
            raise CommandError(f"Belum ada skema potongan gaji untuk dana {fund.code}.")
        location = scheme.deposit_location
        if opts["location"]:
            try:
                location = ledger.money_location_get(code=opts["location"])
            except Exception:
                raise CommandError(f"Tempat uang {opts['location']!r} tidak dikenal.") from None
        expected_total = None
        if opts["expected_total"] is not None:
            try:
                expected_total = parse_amount(opts["expected_total"])
            except MoneyError as exc:
                raise CommandError(f"--expected-total: {exc}") from None
        try:
            received_on = dt.date.fromisoformat(opts["date"]) if opts["date"] else dt.date.today()
        except ValueError:
            raise CommandError(f"--date {opts['date']!r} bukan tanggal YYYY-MM-DD.") from None

        try:
            with transaction.atomic():
                draft, check = payroll_import_prepare(
                    data=path.read_bytes(),
                    filename=path.name,
                    opd=opd,
                    scheme=scheme,
                    period=period,
                    received_on=received_on,
                    expected_count=opts["expected_count"],
                    expected_total=expected_total,
                    actor=None,
                    location=location,
                )
                if draft is None:
                    for line in check.errors:
                        self.stderr.write(line)
                    if check.error_count > len(check.errors):
                        self.stderr.write(
                            f"… dan {check.error_count - len(check.errors)} kesalahan lain."
                        )
                    raise CommandError(f"{check.error_count} kesalahan: tidak ada yang diimpor.")
                imp = payroll_import_commit(payroll_import=draft, actor=None)
        except DonorError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{exc.message} Tidak ada yang diimpor.") from None

        self.stdout.write(
            self.style.SUCCESS(
                f"Diimpor: {opd.code} {period:%Y-%m}, {imp.row_count} baris, "
                f"{format_rupiah(imp.total_amount)}, {imp.new_donor_count} donatur baru, "
                f"{imp.flagged_count} baris bertanda, transaksi buku besar #{imp.transaction_id}, "
                f"impor #{imp.pk}."
            )
        )
