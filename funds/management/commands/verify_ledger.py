"""python manage.py verify_ledger: recompute every invariant of the ledger."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify
from funds.models import Transaction
from funds.verify import ledger_verify


class Command(BaseCommand):
    help = (
        "Recompute the keyed hash chains of the ledger and the audit log, check every closed "
        "month's head and every signed statement against the chain and every ledger invariant; "
        "exit non-zero and list each violation when one fails."
    )

    def handle(self, *args, **options):
        problems = ledger_verify() + audit_verify()
        count = Transaction.objects.count()
        if problems:
            for line in problems:
                self.stderr.write(f"PELANGGARAN: {line}")
            raise CommandError(
                f"Buku besar TIDAK utuh: {len(problems)} pelanggaran pada {count} transaksi."
            )
        self.stdout.write(self.style.SUCCESS(f"Buku besar utuh: {count} transaksi diperiksa."))
