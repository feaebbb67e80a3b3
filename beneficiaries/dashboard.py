"""What the households work puts on each role's dashboard: the queue first, then key figures."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.registry import Figure, QueueRow
from core.roles import Role


def queue(user) -> list[QueueRow]:
    from beneficiaries.models import Complaint, HomeVisit, ImportBatch, Registration

    today = timezone.localdate()
    rows = []
    open_complaints = Complaint.objects.filter(answered_at__isnull=True)
    if user.has_role(Role.VERIFIER):
        rows.append(
            QueueRow(
                _("Kunjungan rumah yang ditugaskan kepada saya"),
                HomeVisit.objects.filter(verifier=user, status=HomeVisit.Status.ASSIGNED).count(),
                reverse("beneficiaries:worklist"),
                order=10,
            )
        )
        mine = open_complaints.filter(assigned_to=user)
        rows.append(
            QueueRow(
                _("Pengaduan yang ditugaskan kepada saya"),
                mine.count(),
                reverse("beneficiaries:complaint_list"),
                order=12,
            )
        )
    if user.has_role(Role.HEAD):
        rows.append(
            QueueRow(
                _("Rumah tangga menunggu keputusan"),
                Registration.objects.filter(status=Registration.Status.AWAITING_DECISION).count(),
                reverse("beneficiaries:decision_queue"),
                order=5,
            )
        )
        rows.append(
            QueueRow(
                _("Pengaduan belum ditugaskan"),
                open_complaints.filter(assigned_to__isnull=True).count(),
                reverse("beneficiaries:complaint_list"),
                order=13,
            )
        )
    if user.has_role(Role.HEAD, Role.VERIFIER):
        rows.append(
            QueueRow(
                _("Pengaduan lewat batas jawab"),
                open_complaints.filter(due_on__lt=today).count(),
                reverse("beneficiaries:complaint_list"),
                tone="danger",
                order=11,
            )
        )
        rows.append(
            QueueRow(
                _("Impor daftar nasional menunggu dikonfirmasi"),
                ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEW).count(),
                reverse("beneficiaries:import_upload"),
                order=30,
            )
        )
    return rows


def figures(user) -> list[Figure]:
    from beneficiaries.models import Card, Household

    today = timezone.localdate()
    active_cards = Card.objects.filter(
        valid_from__lte=today, valid_until__gte=today, revoked_on__isnull=True
    ).count()
    return [
        Figure(
            _("Rumah tangga terdaftar"),
            number_format(Household.objects.count(), force_grouping=True),
            icon="house-heart",
            href=reverse("beneficiaries:search"),
            order=30,
        ),
        Figure(
            _("Kartu berlaku"),
            number_format(active_cards, force_grouping=True),
            icon="person-vcard",
            order=31,
        ),
    ]
