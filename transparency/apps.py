from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = _("Transparansi publik")

    def ready(self):
        from core.registry import register_nav
        from core.roles import Role

        register_nav(
            _("Terbitkan laporan"),
            "transparency:publish",
            [Role.HEAD, Role.TREASURER, Role.FUND_MANAGER, Role.AUDITOR, Role.ADMIN],
            order=700,
        )
