from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Dana dan buku besar")

    def ready(self):
        from core.health import register_health_check
        from core.registry import register_nav, register_panel
        from core.roles import Role
        from funds.health import ledger_head_check

        register_health_check("ledger", ledger_head_check)

        readers = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN]
        register_nav(_("Dana"), "funds:list", readers, order=20)
        register_nav(_("Rekonsiliasi"), "funds:reconciliation", readers, order=21)
        register_nav(_("Tutup buku"), "funds:periods", readers, order=22)
        register_nav(_("Laporan keuangan"), "funds:statements", readers, order=23)
        register_panel("funds/panel_balances.html", readers, order=20)
