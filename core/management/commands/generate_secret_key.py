from django.core.management.base import BaseCommand
from django.core.management.utils import get_random_secret_key


class Command(BaseCommand):
    help = "Print a new value for SECRET_KEY."

    def handle(self, *args, **options):
        self.stdout.write(get_random_secret_key() + get_random_secret_key()[:14])
