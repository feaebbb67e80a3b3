from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Donatur dan sumbangan")

    def ready(self):
        from core.registry import register_nav, register_panel
        from core.roles import Role

        staff = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN]
        register_nav(_("Donatur"), "donors:donor_list", staff, order=200)
        register_nav(_("Potongan gaji"), "donors:import_list", staff, order=210)
        register_nav(_("Sumbangan"), "donors:contribution_list", staff, order=220)
        register_nav(_("Sumbangan saya"), "donors:my", [Role.CONTRIBUTOR], order=230)
        register_panel("donors/panel_contributions.html", staff, order=200)
        register_panel("donors/panel_mine.html", [Role.CONTRIBUTOR], order=200)
        register_nav(_("Mitra CSR"), "donors:csr_home", [*staff, Role.CSR_PARTNER], order=240)
        register_panel("donors/csr/panel_partner.html", [Role.CSR_PARTNER], order=200)
        register_panel("donors/csr/panel_manager.html", [Role.FUND_MANAGER], order=210)
