"""What the donor work puts on each role's dashboard."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.money import format_rupiah
from core.registry import Figure, QueueRow
from core.roles import Role


def queue(user) -> list[QueueRow]:
    from donors.models import PayrollImport, Scheme
    from donors.selectors import arrears_for_month, latest_due_month

    rows = []
    if user.has_role(Role.FUND_MANAGER):
        rows.append(
            QueueRow(
                _("Berkas potongan gaji menunggu dibukukan"),
                PayrollImport.objects.filter(status=PayrollImport.Status.DRAFT).count(),
                reverse("donors:import_list") + "?status=draft",
                order=15,
            )
        )
    if user.has_role(Role.FUND_MANAGER, Role.TREASURER):
        from donors.models import GatewayMovement

        rows.append(
            QueueRow(
                _("Pengembalian kartu menunggu penyelesaian"),
                GatewayMovement.objects.filter(status=GatewayMovement.Status.PENDING).count(),
                reverse("donors:movement_list"),
                tone="danger",
                order=12,
            )
        )
    if user.has_role(Role.FUND_MANAGER, Role.TREASURER, Role.HEAD):
        month = latest_due_month()
        for scheme in Scheme.objects.order_by("pk")[:3]:
            report = arrears_for_month(scheme=scheme, month=month)
            label = _("OPD menunggak %(scheme)s %(month)s") % {
                "scheme": scheme.name,
                "month": date_format(month, "F Y"),
            }
            rows.append(
                QueueRow(
                    label,
                    len(report.missing_opds),
                    reverse("donors:arrears") + f"?skema={scheme.pk}&bulan={month:%Y-%m}",
                    tone="danger",
                    order=25,
                )
            )
    return rows


def figures(user) -> list[Figure]:
    from donors.models import Contribution, Donor

    today = timezone.localdate()
    this_month = Contribution.objects.filter(
        status=Contribution.Status.RECORDED, date__year=today.year, date__month=today.month
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return [
        Figure(
            _("Sumbangan bulan ini"),
            format_rupiah(this_month),
            icon="gift",
            href=reverse("donors:contribution_list"),
            order=10,
        ),
        Figure(
            _("Donatur aktif"),
            f"{Donor.objects.filter(is_active=True).count()}",
            icon="people",
            href=reverse("donors:donor_list"),
            order=11,
        ),
    ]


def contributor_figures(user) -> list[Figure]:
    """A contributor's own yearly totals: what they gave this year and last."""
    from donors.models import Contribution

    today = timezone.localdate()
    mine = Contribution.objects.filter(donor__user=user, status=Contribution.Status.RECORDED)
    figures = []
    for year in (today.year, today.year - 1):
        total = mine.filter(date__year=year).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        figures.append(
            Figure(
                _("Sumbangan saya %(year)s") % {"year": year},
                format_rupiah(total),
                icon="heart",
                href=reverse("donors:my"),
                order=year * -1,
            )
        )
    return figures
