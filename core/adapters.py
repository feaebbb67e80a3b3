from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from core.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an admin; there is no open sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # allauth's per-address login limits must count the client behind the
        # proxy, not the proxy (which would lock everyone out together).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
