"""The roles a Kenanga user can hold. A user may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FUND_MANAGER = "fund_manager", _("Pengelola dana")
    VERIFIER = "verifier", _("Verifikator")
    TREASURER = "treasurer", _("Bendahara")
    HEAD = "head", _("Kepala UPT")
    AUDITOR = "auditor", _("Auditor")
    CSR_PARTNER = "csr_partner", _("Mitra CSR")
    CONTRIBUTOR = "contributor", _("Donatur")
    ADMIN = "admin", _("Administrator")


# Roles that must have TOTP set up before they may act (design.md).
MFA_REQUIRED_ROLES = frozenset({Role.TREASURER, Role.HEAD, Role.ADMIN})
# Staff of the unit: everyone but the outside partners and contributors.
STAFF_ROLES = frozenset(
    {Role.FUND_MANAGER, Role.VERIFIER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN}
)
ALL_ROLES = frozenset(Role)
