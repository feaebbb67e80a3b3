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

# One line per role saying what it may do, shown where an admin picks roles.
ROLE_DUTIES = {
    Role.FUND_MANAGER: _(
        "Mencatat sumbangan, mengimpor potongan gaji, mengelola donatur dan janji."
    ),
    Role.VERIFIER: _(
        "Mendaftarkan rumah tangga, melakukan kunjungan rumah, mengusulkan keputusan."
    ),
    Role.TREASURER: _(
        "Menyetujui penyaluran (bukan usulan sendiri), mencatat pembayaran dan buktinya."
    ),
    Role.HEAD: _(
        "Memutuskan rumah tangga, menyetujui di atas batas bendahara, mengesahkan laporan."
    ),
    Role.AUDITOR: _("Membaca semuanya, tidak mengubah apa pun."),
    Role.CSR_PARTNER: _("Mitra perusahaan: hanya janji dan laporannya sendiri."),
    Role.CONTRIBUTOR: _("Donatur: hanya rekap dan tanda terima sumbangannya sendiri."),
    Role.ADMIN: _("Mengelola pengguna, peran, dan profil organisasi."),
}
# Roles an admin hands out. CSR partners come in through the partner sign-up,
# which checks the company's papers, never through an admin's invitation.
INVITABLE_ROLES = tuple(role for role in Role if role != Role.CSR_PARTNER)
