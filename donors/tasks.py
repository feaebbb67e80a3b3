"""Background work of donors: booking a payroll file with a progress bar."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from core.jobs import job_progress as _job_progress
from core.jobs import job_update as _job_update
from core.models import Job


@shared_task
def payroll_import_commit_task(import_id: int, job_id: int, actor_id: int | None) -> None:
    """Book a previewed payroll file; safe to run twice (a booked file is left alone)."""
    from core.models import User
    from donors.errors import DonorError
    from donors.models import PayrollImport
    from donors.services import payroll_import_commit

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    imp = PayrollImport.objects.get(pk=import_id)
    url = reverse("donors:import_detail", args=[import_id])
    _job_update(job_id, status=Job.Status.RUNNING)
    try:
        imp = payroll_import_commit(
            payroll_import=imp,
            actor=actor,
            progress=lambda done, total: _job_progress(job_id, done, total),
        )
    except Exception as exc:
        if not isinstance(exc, DonorError):
            # Never leave the progress bar spinning: say it failed, then let Celery log it.
            _job_update(
                job_id,
                status=Job.Status.FAILED,
                message=str(exc)[:1000],
                finished_at=timezone.now(),
            )
            raise
        message = exc.message + ("" if not exc.errors else " " + " ".join(exc.errors[:5]))
        link = exc.link
        _job_update(
            job_id,
            status=Job.Status.FAILED,
            message=message[:1000],
            finished_at=timezone.now(),
            result_url=link or url,
        )
        return
    _job_update(
        job_id,
        status=Job.Status.DONE,
        done=imp.row_count,
        total=imp.row_count,
        message=ngettext("%(n)d baris dibukukan", "%(n)d baris dibukukan", imp.row_count)
        % {"n": imp.row_count},
        finished_at=timezone.now(),
        result_url=url,
    )


@shared_task(name="donors.send_instalment_reminders")
def send_instalment_reminders() -> str:
    """Mail CSR partners their instalments due soon or overdue, once a day (beat or cron)."""
    from core.periodic import run_once_a_day
    from donors.csr import instalment_reminders_send

    def work(day) -> str:
        sent = instalment_reminders_send(today=day)
        return f"{sent} mitra diingatkan"

    return run_once_a_day("donors.send_instalment_reminders", work)
