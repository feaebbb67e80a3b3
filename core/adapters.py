from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an admin; there is no open sign-up."""

    def is_open_for_signup(self, request):
        return False


class MFAAdapter(DefaultMFAAdapter):
    """Say why a correct-looking code is refused: a code works once, then the next one is needed."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "Kode salah, atau sudah dipakai. Setiap kode hanya berlaku sekali: tunggu kode "
            "berikutnya di aplikasi autentikator (berganti tiap 30 detik), lalu coba lagi."
        ),
    }
