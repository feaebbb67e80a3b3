"""Load (or refresh) the Kemendagri region codes: python manage.py load_regions."""

from django.core.management.base import BaseCommand
from django.db import transaction

from beneficiaries.models import Region
from beneficiaries.regions import load_regions


class Command(BaseCommand):
    help = "Load the shipped Kemendagri region codes (Jawa Tengah, Sumatera Barat); safe to repeat."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = load_regions(Region)
        self.stdout.write(f"Wilayah ditambah/diperbarui: {changed}; total {Region.objects.count()}")
