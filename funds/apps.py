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

        from core.registry import register_nav, register_panel
        from core.roles import Role

        readers = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN]
        register_nav(_("Dana"), "funds:list", readers, order=20)
        register_nav(_("Rekonsiliasi"), "funds:reconciliation", readers, order=21)
        register_nav(_("Tutup buku"), "funds:periods", readers, order=22)
        register_nav(_("Laporan keuangan"), "funds:statements", readers, order=23)
        register_panel("funds/panel_balances.html", readers, order=20)
