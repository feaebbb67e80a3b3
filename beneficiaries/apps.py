from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _restore_shipped_data(sender, using="default", **kwargs) -> None:
    """Put the shipped regions and criteria sets back when a flush removed them.

    The data migration loads them once; `flush` (run between the suite's
    browser and concurrency tests, or by an admin starting over) empties every
    table and then emits post_migrate, as Django does for content types.
    """
    from beneficiaries.criteria import load_criteria
    from beneficiaries.models import CriteriaSet, Criterion, Region
    from beneficiaries.regions import load_regions

    if not Region.objects.using(using).exists():
        load_regions(Region)
    if not CriteriaSet.objects.using(using).exists():
        load_criteria(CriteriaSet, Criterion)


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Rumah tangga penerima")

    def ready(self) -> None:
        post_migrate.connect(_restore_shipped_data, sender=self)

        from core.registry import register_figure, register_nav, register_queue
        from core.roles import Role

        staff = [
            Role.VERIFIER,
            Role.HEAD,
            Role.FUND_MANAGER,
            Role.TREASURER,
            Role.AUDITOR,
            Role.ADMIN,
        ]
        casework = [Role.VERIFIER, Role.HEAD, Role.AUDITOR, Role.ADMIN]
        register_nav(_("Cari rumah tangga"), "beneficiaries:search", staff, order=30, icon="search")
        register_nav(
            _("Tugas kunjungan"),
            "beneficiaries:worklist",
            [Role.VERIFIER],
            order=31,
            icon="geo-alt",
        )
        register_nav(
            _("Antrean keputusan"),
            "beneficiaries:decision_queue",
            casework,
            order=32,
            icon="check2-square",
        )
        register_nav(
            _("Pengaduan"),
            "beneficiaries:complaint_list",
            casework,
            order=33,
            icon="chat-left-text",
        )
        register_nav(
            _("Loket pendaftaran"),
            "beneficiaries:desk",
            [Role.VERIFIER, Role.HEAD],
            order=34,
            icon="person-plus",
        )
        register_nav(
            _("Impor daftar nasional"),
            "beneficiaries:import_upload",
            [Role.VERIFIER, Role.HEAD],
            order=35,
            icon="upload",
        )
        register_nav(
            _("Verifikasi ulang"),
            "beneficiaries:campaigns",
            casework,
            order=36,
            icon="arrow-repeat",
        )
        register_nav(
            _("Statistik desa"), "beneficiaries:statistics", staff, order=37, icon="bar-chart"
        )
        from beneficiaries import dashboard

        register_queue(dashboard.queue, [Role.VERIFIER, Role.HEAD])
        register_figure(dashboard.figures, [Role.VERIFIER, Role.HEAD, Role.AUDITOR, Role.ADMIN])
