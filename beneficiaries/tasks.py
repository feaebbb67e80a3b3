"""Background work of the household registry (eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import ImportBatch
from beneficiaries.national_list import (
    import_batch_data,
    national_list_commit,
    parse_national_list,
)
from core.jobs import job_progress
from core.models import Job


def _progress(job_id: int, offset: int, weight: int):
    # Validation is the first half of the bar, writing the second; the write
    # happens in one transaction, so its progress goes through a side connection.
    def report(done: int, total: int) -> None:
        job_progress(job_id, offset + (weight * done // total if total else weight), 100)

    return report


@shared_task
def national_list_import(batch_id: int, job_id: int) -> None:
    """Validate and commit a previewed national-list file; safe to run twice."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if batch.status != ImportBatch.Status.PREVIEW or job.status == Job.Status.DONE:
        return
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, total=100, done=0)
    try:
        data = import_batch_data(batch)
    except BeneficiaryError as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc), finished_at=timezone.now()
        )
        return
    parsed = parse_national_list(data, filename=batch.filename, progress=_progress(job_id, 0, 50))
    try:
        national_list_commit(
            # The officer who confirmed the import answers for it.
            batch=batch,
            parsed=parsed,
            actor=job.created_by or batch.created_by,
            progress=_progress(job_id, 50, 50),
        )
    except BeneficiaryError as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=str(exc), finished_at=timezone.now()
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        done=F("total"),
        finished_at=timezone.now(),
        message=f"{parsed.persons} orang, {len(parsed.households)} KK",
        result_url=reverse("beneficiaries:import_detail", args=[batch_id]),
    )


def _caseworker_addresses() -> list[str]:
    from core.models import User
    from core.roles import Role

    return list(
        User.objects.filter(is_active=True, role_assignments__role__in=[Role.VERIFIER, Role.HEAD])
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


def _mail_after_commit(subject: str, lines: list[str]) -> None:
    from django.core.mail import send_mail
    from django.db import transaction

    recipients = _caseworker_addresses()
    if not recipients or not lines:
        return
    body = "\n".join(lines)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


@shared_task
def complaints_overdue_remind() -> str:
    """Remind verifiers and the head, once a day, of complaints past their answer date."""
    from beneficiaries.selectors import complaints_overdue
    from core.periodic import run_once_a_day

    def work(day) -> str:
        overdue = list(
            complaints_overdue(today=day).order_by("due_on").values_list("reference", "due_on")
        )
        lines = [f"- {ref}: batas jawab {due:%d-%m-%Y}" for ref, due in overdue[:200]]
        if len(overdue) > 200:
            lines.append(f"… dan {len(overdue) - 200} lainnya")
        _mail_after_commit(f"Kenanga: {len(overdue)} pengaduan melewati batas jawab", lines)
        return f"{len(overdue)} pengaduan terlambat"

    return run_once_a_day("beneficiaries.complaints_overdue_remind", work)


@shared_task
def cards_expiring_remind(days: int = 30) -> str:
    """Tell verifiers once a day which cards end within `days`, so re-verification starts in time."""
    import datetime as dt

    from beneficiaries.models import Card
    from core.periodic import run_once_a_day

    def work(day) -> str:
        ending = list(
            Card.objects.filter(
                revoked_on__isnull=True,
                valid_until__gte=day,
                valid_until__lte=day + dt.timedelta(days=days),
            )
            .order_by("valid_until", "number")
            .values_list("number", "valid_until")
        )
        lines = [f"- {number}: berlaku sampai {until:%d-%m-%Y}" for number, until in ending[:200]]
        if len(ending) > 200:
            lines.append(f"… dan {len(ending) - 200} lainnya")
        _mail_after_commit(f"Kenanga: {len(ending)} kartu berakhir dalam {days} hari", lines)
        return f"{len(ending)} kartu segera berakhir"

    return run_once_a_day("beneficiaries.cards_expiring_remind", work)
