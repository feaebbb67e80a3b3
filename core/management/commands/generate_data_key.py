from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for KENANGA_DATA_KEY (keep it safe: without it personal data is lost)."

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())
