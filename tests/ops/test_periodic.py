"""Periodic jobs: one list for beat and for the cron command, each run once a day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from beneficiaries.models import Complaint
from core.models import PeriodicRun
from core.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("run_periodic", *args, stdout=out)
    return out.getvalue()


def test_beat_and_the_command_share_one_list_of_jobs():
    from config.celery import app

    listed = _run("--list")
    for name, entry in app.conf.beat_schedule.items():
        assert name in listed
        app.loader.import_default_modules()
        assert entry["task"] in app.tasks, f"{entry['task']} is scheduled but is no task"


def test_an_overdue_complaint_is_mailed_to_the_verifiers_once_a_day():
    make_user("verif@uji.test", [Role.VERIFIER])
    make_user("donatur@uji.test", [Role.CONTRIBUTOR])
    complaint = Complaint.objects.create(
        reference="ADU-2025-0001",
        kind=Complaint.Kind.OTHER,
        channel=Complaint.Channel.DESK,
        name="Warga",
        contact="0812000111",
        description="Belum dijawab",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )

    first = _run("--only", "beneficiaries.complaints_overdue_remind")
    second = _run("--only", "beneficiaries.complaints_overdue_remind")

    assert "1 pengaduan terlambat" in first and "skipped" in second
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["verif@uji.test"]
    assert complaint.reference in mail.outbox[0].body
    # No personal data in the reminder: the reference is enough to find the case.
    assert "0812000111" not in mail.outbox[0].body and "Warga" not in mail.outbox[0].body
    assert PeriodicRun.objects.filter(name="beneficiaries.complaints_overdue_remind").count() == 1


def test_a_job_that_fails_leaves_no_mark_and_runs_again(monkeypatch):
    import beneficiaries.selectors as selectors

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(selectors, "complaints_overdue", broken)
    with pytest.raises(CommandError, match="1 job"):
        _run("--only", "beneficiaries.complaints_overdue_remind")
    assert not PeriodicRun.objects.exists()
    monkeypatch.undo()
    assert "0 pengaduan terlambat" in _run("--only", "beneficiaries.complaints_overdue_remind")


def test_an_unknown_job_name_is_refused():
    with pytest.raises(CommandError, match="Unknown job: nope"):
        _run("--only", "nope")


def test_every_job_runs_from_the_command():
    out = _run()
    assert "sesi kedaluwarsa dihapus" in out and "kartu segera berakhir" in out
