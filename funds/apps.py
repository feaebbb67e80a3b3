from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _restore_programmes(sender, using="default", **kwargs) -> None:
    """Put the shipped programme codes back when a flush removed them (as for regions)."""
    from funds.models import Programme
    from funds.programmes import load_programmes

    if not Programme.objects.using(using).exists():
        load_programmes(Programme, using=using)


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Dana dan buku besar")

    def ready(self):
        post_migrate.connect(_restore_programmes, sender=self)

        from core.health import register_health_check
        from core.registry import register_figure, register_nav, register_panel, register_queue
        from core.roles import Role
        from funds.health import ledger_head_check

        register_health_check("ledger", ledger_head_check)

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
