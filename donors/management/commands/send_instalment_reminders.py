"""Mail CSR partners their pledge instalments due within a week or overdue.

For installations without Celery beat: run daily from cron. Safe to run twice a day.
"""

from django.core.management.base import BaseCommand

from donors.csr import instalment_reminders_send


class Command(BaseCommand):
    help = "Mail CSR partners their pledge instalments due within a week or overdue."

    def handle(self, *args, **options):
        sent = instalment_reminders_send()
        self.stdout.write(f"Pengingat terkirim ke {sent} mitra.")
