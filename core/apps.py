from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Inti")

    def ready(self):
        from allauth.account.signals import password_reset

        from core import checks  # noqa: F401  (registers the system checks)
        from core.adapters import mark_email_verified_on_password_reset

        password_reset.connect(
            mark_email_verified_on_password_reset, dispatch_uid="kenanga-email-verified"
        )
        from core.registry import register_nav, register_panel
        from core.roles import Role

        register_nav(
            _("Jejak audit"),
            "core:audit",
            [Role.HEAD, Role.AUDITOR, Role.ADMIN],
            order=900,
            icon="journal-text",
        )
        register_nav(
            _("Organisasi"), "core:organisation", [Role.ADMIN], order=910, icon="building-gear"
        )
        # Grouped with the organisation profile under "Administrasi" (the core namespace).
        register_nav(
            _("Pengguna dan peran"), "core:users", [Role.ADMIN], order=905, icon="person-gear"
        )
        register_panel("core/panel_audit.html", [Role.HEAD, Role.AUDITOR, Role.ADMIN], order=900)
        register_panel("core/panel_admin.html", [Role.ADMIN], order=910)
