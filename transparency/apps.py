from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = _("Transparansi publik")

    def ready(self):
        from core.registry import register_nav, register_panel
        from core.roles import Role

        register_nav(
            _("Terbitkan laporan"),
            "transparency:publish",
            [Role.HEAD, Role.TREASURER, Role.FUND_MANAGER, Role.AUDITOR, Role.ADMIN],
            order=700,
            # Publishing the month's report is a finance task, next to the statements; as a
            # top-level entry of its own it pushed the auditor's menu past a 1280 px screen.
            group="money",
            icon="megaphone",
        )
        # A contributor sees what the funds they gave to paid for (public figures only).
        register_panel("transparency/panel_fund_impact.html", [Role.CONTRIBUTOR], order=210)
