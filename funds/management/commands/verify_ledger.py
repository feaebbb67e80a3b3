"""python manage.py verify_ledger: recompute every invariant of the ledger."""

from django.core.management.base import BaseCommand, CommandError

from funds.models import Transaction
from funds.verify import ledger_verify


class Command(BaseCommand):
    help = (
        "Recompute the hash chain and every ledger invariant; exit non-zero and list each "
        "violation when one fails."
    )

    def handle(self, *args, **options):
        problems = ledger_verify()
        count = Transaction.objects.count()
        if problems:
            for line in problems:
                self.stderr.write(f"PELANGGARAN: {line}")
            raise CommandError(
                f"Buku besar TIDAK utuh: {len(problems)} pelanggaran pada {count} transaksi."
            )
        self.stdout.write(self.style.SUCCESS(f"Buku besar utuh: {count} transaksi diperiksa."))
