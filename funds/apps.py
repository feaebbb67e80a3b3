from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Dana dan buku besar")

    def ready(self):
        from core.registry import register_figure, register_nav, register_panel, register_queue
        from core.roles import Role

        readers = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN]
        register_nav(_("Dana"), "funds:list", readers, order=20, icon="wallet2")
        register_nav(
            _("Rekonsiliasi"), "funds:reconciliation", readers, order=21, icon="arrow-left-right"
        )
        register_nav(_("Tutup buku"), "funds:periods", readers, order=22, icon="calendar-check")
        register_nav(
            _("Laporan keuangan"),
            "funds:statements",
            readers,
            order=23,
            icon="file-earmark-bar-graph",
        )
        register_panel("funds/panel_balances.html", readers, order=20)
        from funds import dashboard

        register_queue(dashboard.queue, [Role.TREASURER, Role.HEAD])
        register_figure(dashboard.figures, readers)
