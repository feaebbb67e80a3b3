"""Periodic jobs: one list for beat and for the cron command, each run once a day."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Complaint
from core.models import PeriodicRun
from core.roles import Role
from core.uploads import file_root, stored_file_save
from donors.csr import instalment_reminders_send, partner_register, partner_verify
from donors.models import Instalment, Partner
from tests.conftest import make_user
from tests.donors.csr_fixtures import accepted_cash_pledge, pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date.today()
needs_postgres = pytest.mark.skipif(
    default_connection.vendor != "postgresql",
    reason="two runs at once need row locks; SQLite has one writer and no row locks",
)


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
    assert "berkas yatim dihapus" in out and "mitra diingatkan" in out
    assert set(PeriodicRun.objects.values_list("name", flat=True)) == set(_jobs())


def _jobs() -> list[str]:
    from config.celery import app

    return list(app.conf.beat_schedule)


def test_file_purge_and_instalment_reminders_are_in_the_one_schedule():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"core.tasks.files_purge", "donors.send_instalment_reminders"} <= tasks
    listed = _run("--list")
    assert "core.files_purge" in listed and "donors.send_instalment_reminders" in listed


def _file_stored(name: str, *, delete_after: dt.datetime):
    with transaction.atomic():  # as every caller stores: the audit chain needs one
        return stored_file_save(
            upload=SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode()),
            purpose="test.import",
            delete_after=delete_after,
        )


def test_files_past_retention_are_purged_by_the_periodic_job_once_a_day():
    past = _file_stored("a.pdf", delete_after=timezone.now() - dt.timedelta(minutes=1))
    kept = _file_stored("b.pdf", delete_after=timezone.now() + dt.timedelta(days=1))

    first = _run("--only", "core.files_purge")
    late = _file_stored("c.pdf", delete_after=timezone.now() - dt.timedelta(minutes=1))
    second = _run("--only", "core.files_purge")

    assert "1 berkas lewat masa simpan" in first and "skipped" in second
    assert not (file_root() / past.path).exists()
    assert (file_root() / kept.path).exists() and (file_root() / late.path).exists()
    past.refresh_from_db()
    assert past.deleted_at is not None


# --- two runs of the instalment reminders at the same moment (beat and the timer) --------------
class _SendTogether:
    """Hold each reminder mail until the other run has got as far as it can.

    The other run is then sending too (the old race: both read the same
    instalments, both mail), waiting on a lock in PostgreSQL, or finished.
    Nothing here measures time: the wait ends on one of those states.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.sending: set[str] = set()
        self.done: set[str] = set()
        self.pids: dict[str, int] = {}

    def other_can_go_no_further(self, me: str) -> bool:
        from django.db import connection

        other = next(name for name in self.pids if name != me)
        with self.lock:
            if other in self.sending or other in self.done:
                return True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [self.pids[other]]
            )
            row = cursor.fetchone()
        return bool(row) and row[0] == "Lock"

    def wrap(self, send_mail):
        def held(*args, **kwargs):
            me = threading.current_thread().name
            with self.lock:
                self.sending.add(me)
            while not self.other_can_go_no_further(me):
                time.sleep(0.01)
            try:
                return send_mail(*args, **kwargs)
            finally:
                with self.lock:
                    self.sending.discard(me)

        return held


def _two_at_once(monkeypatch, run) -> list[object]:
    import django.core.mail
    from django.db import connection

    together = _SendTogether()
    monkeypatch.setattr(django.core.mail, "send_mail", together.wrap(django.core.mail.send_mail))
    start = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def one():
        me = threading.current_thread().name
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                together.pids[me] = cursor.fetchone()[0]
            start.wait()
            results.append(run())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            with together.lock:
                together.done.add(me)
            connection.close()

    threads = [threading.Thread(target=one, name=name) for name in ("beat", "timer")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def _two_partners_with_instalments_due(personas, csr_books) -> list[str]:
    second = partner_register(
        user=make_user("csr2@uji.test", [Role.CSR_PARTNER]),
        legal_name="PT Kedua",
        npwp="02.345.678.9-012.000",
        contact_name="Rina",
        document=pdf_upload(),
    )
    second = partner_verify(partner=second, approve=True, actor=personas["fund_manager"])
    first = Partner.objects.exclude(pk=second.pk).get()
    for company in (first, second):
        accepted_cash_pledge(company, personas, fund=csr_books.umum)
    return sorted([first.user.email, second.user.email])


@needs_postgres
def test_beat_and_the_timer_at_the_same_moment_mail_each_partner_once(
    monkeypatch, partner, personas, csr_books
):
    from donors.tasks import send_instalment_reminders

    addresses = _two_partners_with_instalments_due(personas, csr_books)

    results = _two_at_once(monkeypatch, send_instalment_reminders)

    assert sorted(results) == ["2 mitra diingatkan", "skipped"]
    assert sorted(to for message in mail.outbox for to in message.to) == addresses
    assert PeriodicRun.objects.filter(name="donors.send_instalment_reminders").count() == 1


@needs_postgres
def test_the_reminder_command_and_the_job_at_the_same_moment_mail_each_partner_once(
    monkeypatch, partner, personas, csr_books
):
    # The command (kept for old cron lines) has no day marker: the row locks alone must hold.
    addresses = _two_partners_with_instalments_due(personas, csr_books)

    results = _two_at_once(monkeypatch, lambda: instalment_reminders_send())

    assert sum(results) == 2
    assert sorted(to for message in mail.outbox for to in message.to) == addresses
    assert not Instalment.objects.filter(reminded_on__isnull=True, due_date__lte=TODAY).exists()
