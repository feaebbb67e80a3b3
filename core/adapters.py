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

    def get_login_redirect_url(self, request):
        # A treasurer, head or admin without TOTP goes straight to setting it up:
        # nothing they came to do is open to them before that.
        from django.urls import reverse

        from core.permissions import has_mfa

        user = request.user
        if user.is_authenticated and user.needs_mfa and not has_mfa(user):
            return reverse("mfa_activate_totp")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Setting up TOTP for the first time right after typing the password (the
        # way every new treasurer, head and admin arrives), and reading the
        # recovery codes that come with it, do not ask for the password again.
        # Changing or removing an authenticator set up earlier still does.
        if app == "allauth.mfa" and self._setting_up_mfa_right_after_login():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _setting_up_mfa_right_after_login(self) -> bool:
        import datetime as dt
        import time

        from allauth.account import app_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.core import context
        from allauth.mfa.models import Authenticator
        from django.utils import timezone

        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        window = app_settings.REAUTHENTICATION_TIMEOUT
        records = get_authentication_records(request, user)
        if not records or time.time() - records[-1]["at"] >= window:
            return False
        since = timezone.now() - dt.timedelta(seconds=window)
        # No authenticator yet, or only one set up in this very sitting.
        return not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP, created_at__lt=since
        ).exists()

    def get_client_ip(self, request):
        # allauth's per-address login limits must count the client behind the
        # proxy, not the proxy (which would lock everyone out together).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


class MFAAdapter(DefaultMFAAdapter):
    """Say why a code is refused: wrong, or right but already used (core.mfa_forms tells which)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "Kode salah. Ketik enam angka yang tampil sekarang di aplikasi autentikator "
            "untuk akun Kenanga ini."
        ),
        "code_already_used": _(
            "Kode ini sudah dipakai. Setiap kode hanya berlaku sekali: tunggu kode berikutnya "
            "di aplikasi autentikator (berganti tiap 30 detik), lalu coba lagi."
        ),
    }


def mark_email_verified_on_password_reset(sender, request, user, **kwargs):
    """Count a password set from a mailed link as proof that the address is the user's.

    allauth.mfa refuses to set up TOTP for an unverified address (so that someone
    who signs up with another's address cannot lock its owner out). An invited
    treasurer proves the address by opening the invitation's link, which is a
    password-reset link; without this they could never set up the TOTP their
    role requires.
    """
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
