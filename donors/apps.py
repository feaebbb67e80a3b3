from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Donatur dan sumbangan")

    def ready(self):
        from core.registry import register_figure, register_nav, register_panel, register_queue
        from core.roles import Role

        staff = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN]
        register_nav(_("Donatur"), "donors:donor_list", staff, order=200, icon="people")
        register_nav(_("Sumbangan"), "donors:contribution_list", staff, order=205, icon="gift")
        register_nav(
            _("Potongan gaji"),
            "donors:import_list",
            staff,
            order=210,
            icon="file-earmark-spreadsheet",
        )
        register_nav(_("Tunggakan"), "donors:arrears", staff, order=215, icon="hourglass-split")
        register_nav(_("OPD"), "donors:opd_list", staff, order=220, icon="building")
        register_nav(
            _("Skema iuran"), "donors:scheme_list", staff, order=225, icon="card-checklist"
        )
        register_nav(
            _("Sumbangan saya"),
            "donors:my",
            [Role.CONTRIBUTOR],
            order=230,
            group="mine",
            icon="heart",
        )
        from donors import dashboard

        register_queue(dashboard.queue, [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD])
        register_figure(dashboard.figures, staff)
        register_figure(dashboard.contributor_figures, [Role.CONTRIBUTOR])
        register_panel("donors/panel_mine.html", [Role.CONTRIBUTOR], order=200)

        # Gifts and payroll files are reversed through their own services (which
        # void the receipts); the ledger screen links to them instead.
        from django.urls import reverse

        from donors.ledger import register_reference

        register_reference(
            "donors.contribution",
            label=_("Sumbangan"),
            url=lambda pk: reverse("donors:contribution_detail", args=[pk]),
            source_label=_("Sumbangan perorangan, perusahaan dan lembaga"),
        )
        register_reference(
            "donors.payrollimport",
            label=_("Impor potongan gaji"),
            url=lambda pk: reverse("donors:import_detail", args=[pk]),
            source_label=_("Potongan gaji ASN"),
        )
        register_nav(
            _("Mitra CSR"),
            "donors:csr_home",
            [*staff, Role.CSR_PARTNER],
            order=240,
            group="donors",
            icon="briefcase",
        )
        register_nav(
            _("Pengembalian kartu"),
            "donors:movement_list",
            [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN],
            order=245,
            group="money",
            icon="arrow-counterclockwise",
        )
        register_panel("donors/csr/panel_partner.html", [Role.CSR_PARTNER], order=200)
        register_panel("donors/csr/panel_manager.html", [Role.FUND_MANAGER], order=210)
