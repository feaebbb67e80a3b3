from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an admin; the one open sign-up is a view that marks the
    request (the CSR partner sign-up, donors.csr_views.PartnerSignupView)."""

    def is_open_for_signup(self, request):
        return bool(getattr(request, "kenanga_partner_signup", False))
