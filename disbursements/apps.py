from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _restore_rules(sender, using="default", **kwargs) -> None:
    """Put the shipped programme rules back when a flush removed them (as for regions)."""
    from disbursements.models import ProgrammeRule
    from disbursements.rules import load_rules
    from funds.models import Programme
    from funds.programmes import load_programmes

    if not ProgrammeRule.objects.using(using).exists():
        if not Programme.objects.using(using).exists():
            load_programmes(Programme, using=using)
        load_rules(Programme, ProgrammeRule, using=using)


class DisbursementsConfig(AppConfig):
    name = "disbursements"
    verbose_name = _("Penyaluran bantuan")

    def ready(self) -> None:
        post_migrate.connect(_restore_rules, sender=self)

        # A paid request is corrected through disbursement_reverse (which also
        # reopens the household's frequency limit); the ledger screen links there.
        from django.urls import reverse

        from funds.references import register_reference

        register_reference(
            "disbursements.disbursementrequest",
            label=_("Permohonan bantuan"),
            url=lambda pk: reverse("disbursements:request", args=[pk]),
        )

        from core.registry import register_nav, register_panel
        from core.roles import Role

        staff = [
            Role.VERIFIER,
            Role.FUND_MANAGER,
            Role.TREASURER,
            Role.HEAD,
            Role.AUDITOR,
            Role.ADMIN,
        ]
        register_nav(
            _("Bantuan"), "disbursements:list", staff, order=40, group="help", icon="box-seam"
        )
        register_nav(
            _("Persetujuan"),
            "disbursements:approvals",
            [Role.TREASURER, Role.HEAD],
            order=41,
            group="help",
            icon="check2-square",
        )
        register_nav(
            _("Pembayaran"),
            "disbursements:payments",
            [Role.TREASURER],
            order=42,
            group="help",
            icon="cash-coin",
        )
        register_nav(
            _("Cakupan"), "disbursements:coverage", [Role.HEAD], order=43, group="help", icon="map"
        )
        register_panel(
            "disbursements/panel_waiting.html",
            [Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN],
            order=15,
        )
