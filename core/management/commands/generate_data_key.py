from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for KENANGA_DATA_KEY (keep it safe: without it personal data is lost)."

    def handle(self, *args, **options):
        # A Fernet key is url-safe base64 (letters, digits, '-', '_', '='): it can
        # be written unquoted in kenanga.env (tests/core/test_settings_from_env.py).
        self.stdout.write(Fernet.generate_key().decode())
