"""Print the current TOTP code of the demo secret (for trying the demo only)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current six-digit code of the demo TOTP secret."

    def handle(self, *args, **options):
        from django.conf import settings

        if not settings.DEBUG:
            raise CommandError("Only available with DEBUG on (the demo).")
        from allauth.mfa.totp.internal.auth import (
            format_hotp_value,
            hotp_value,
            yield_hotp_counters_from_time,
        )

        from core.demo import DEMO_TOTP_SECRET

        counter = next(iter(yield_hotp_counters_from_time()))
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
