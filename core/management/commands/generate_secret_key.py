import secrets
import string

from django.core.management.base import BaseCommand

# Letters, digits, '-' and '_' only: the value can be written unquoted in
# kenanga.env and read both by systemd and by `set -a; . kenanga.env` (Django's
# own generator uses $ ( ) & and friends, which the shell interprets).
SHELL_SAFE = string.ascii_letters + string.digits + "-_"
LENGTH = 64


def shell_safe_secret(length: int = LENGTH) -> str:
    """Return a random secret made only of characters a shell takes literally."""
    return "".join(secrets.choice(SHELL_SAFE) for _ in range(length))


class Command(BaseCommand):
    help = "Print a new value for SECRET_KEY (64 random letters, digits, '-' and '_')."

    def handle(self, *args, **options):
        self.stdout.write(shell_safe_secret())
