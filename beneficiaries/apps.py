from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Rumah tangga penerima")

    def ready(self) -> None:
        from core.registry import register_nav, register_panel
        from core.roles import Role

        staff = [
            Role.VERIFIER,
            Role.HEAD,
            Role.FUND_MANAGER,
            Role.TREASURER,
            Role.AUDITOR,
            Role.ADMIN,
        ]
        register_nav(_("Rumah tangga"), "beneficiaries:search", staff, order=30)
        register_nav(_("Tugas kunjungan"), "beneficiaries:worklist", [Role.VERIFIER], order=31)
        register_nav(
            _("Antrean keputusan"),
            "beneficiaries:decision_queue",
            [Role.HEAD, Role.VERIFIER, Role.AUDITOR, Role.ADMIN],
            order=32,
        )
        register_nav(
            _("Pengaduan"),
            "beneficiaries:complaint_list",
            [Role.VERIFIER, Role.HEAD, Role.AUDITOR, Role.ADMIN],
            order=33,
        )
        register_panel(
            "beneficiaries/panel_households.html",
            [Role.VERIFIER, Role.HEAD, Role.AUDITOR, Role.ADMIN],
            order=30,
        )
