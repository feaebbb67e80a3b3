"""Load demo data: python manage.py seed_demo (safe to run again)."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from core import demo

# Each later capability adds a `demo.py` with `seed(org, users, out)`;
# order follows the dependencies between the apps.
APP_DEMOS = ["funds", "beneficiaries", "donors", "disbursements", "transparency"]


class Command(BaseCommand):
    help = "Load the demo organisation, users of every role and each app's demo data (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            org = demo.seed_organisation()
            users = demo.seed_users()
        for app in APP_DEMOS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            self.stdout.write(f"Demo data: {app} …")
            module.seed(org=org, users=users, out=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo siap / demo ready: http://127.0.0.1:8000"))
        self.stdout.write(
            f"Kata sandi semua akun demo / password of every demo login: {demo.DEMO_PASSWORD}"
        )
        for email, _name, roles in demo.DEMO_USERS:
            self.stdout.write(f"  {email:<28} {', '.join(str(r.label) for r in roles)}")
        self.stdout.write(
            "Bendahara, kepala dan admin memakai TOTP / treasurer, head and admin use TOTP; "
            f"secret: {demo.DEMO_TOTP_SECRET} (or: python manage.py demo_totp)"
        )
