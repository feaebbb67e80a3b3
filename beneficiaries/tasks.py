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
from core.models import Job


def _progress(job_id: int, offset: int, weight: int):
    # Validation is the first half of the bar, writing the second; the write
    # happens in one transaction, so other connections see its end at commit.
    def report(done: int, total: int) -> None:
        percent_done = offset + (weight * done // total if total else weight)
        Job.objects.filter(pk=job_id).update(done=percent_done, total=100)

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
