from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from core.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an admin; the one open sign-up is a view that marks the
    request (the CSR partner sign-up, donors.csr_views.PartnerSignupView)."""

    def is_open_for_signup(self, request):
        return bool(getattr(request, "kenanga_partner_signup", False))

    def get_client_ip(self, request):
        # allauth's per-address login limits must count the client behind the
        # proxy, not the proxy (which would lock everyone out together).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
