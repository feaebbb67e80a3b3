"""Mail CSR partners their pledge instalments due within a week or overdue.

Celery beat and `run_periodic` run the same daily (job donors.send_instalment_reminders);
this command is for running it by hand. Safe to run twice, and beside the job.
"""

from django.core.management.base import BaseCommand

from donors.csr import instalment_reminders_send


class Command(BaseCommand):
    help = "Mail CSR partners their pledge instalments due within a week or overdue."

    def handle(self, *args, **options):
        sent = instalment_reminders_send()
        self.stdout.write(f"Pengingat terkirim ke {sent} mitra.")
