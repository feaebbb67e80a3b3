from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

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


class MFAAdapter(DefaultMFAAdapter):
    """Say why a correct-looking code is refused: a code works once, then the next one is needed."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "Kode salah, atau sudah dipakai. Setiap kode hanya berlaku sekali: tunggu kode "
            "berikutnya di aplikasi autentikator (berganti tiap 30 detik), lalu coba lagi."
        ),
    }
