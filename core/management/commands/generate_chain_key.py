import secrets

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new key for KENANGA_CHAIN_KEY (hex, safe in a shell env file). Keep a copy "
        "offline: without it the ledger and the audit log can no longer be verified."
    )

    def handle(self, *args, **options):
        self.stdout.write(secrets.token_hex(32))
