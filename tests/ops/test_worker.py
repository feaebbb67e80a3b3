"""Background work on a real Celery worker on Redis: progress, and exactly once after a kill."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.base import ContentFile

from beneficiaries.models import Household, ImportBatch, Person
from core.models import Job
from donors.models import Contribution, Opd, PayrollImport, Receipt, ReceiptCounter, Scheme
from donors.services import payroll_import_prepare
from funds.models import Fund, MoneyLocation, Transaction
from funds.verify import ledger_verify
from tests.ops.conftest import needs_postgres_and_redis
from tests.ops.workers import start_worker, wait_until

pytestmark = needs_postgres_and_redis

NIPS = ["197805152005011002", "198203102008012003", "199001012015031001", "199512242020122004"]


def _job(pk: int) -> Job:
    return Job.objects.get(pk=pk)


def _payroll_draft() -> PayrollImport:
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=fund, deposit_location=bank)
    opd = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    lines = "".join(f"{nip};Pegawai {i};100.000\n" for i, nip in enumerate(NIPS))
    draft, check = payroll_import_prepare(
        data=f"NIP;NAMA;JUMLAH\n{lines}".encode(),
        filename="gaji.csv",
        opd=opd,
        scheme=scheme,
        period=dt.date(2025, 3, 1),
        received_on=dt.date(2025, 3, 28),
        expected_count=len(NIPS),
        expected_total=None,
        actor=None,
    )
    assert check.ok, check.errors
    return draft


def _booking_held_half_way(row_lock) -> tuple[PayrollImport, Job, object]:
    """A payroll draft, its job, and the lock that will stop its booking half-way."""
    draft = _payroll_draft()
    job = Job.objects.create(kind="donors.payroll_import", total=len(NIPS))
    # Hold the receipt counter, which the booking takes after its ledger posting:
    # the worker stops there, half-way through the one transaction of the booking.
    ReceiptCounter.objects.create(year=2025)
    lock = row_lock("SELECT * FROM donors_receiptcounter WHERE year = %s FOR UPDATE", [2025])
    return draft, job, lock


def _half_way(job: Job) -> None:
    # The half-way mark is visible from outside while the booking is still open.
    wait_until(lambda: _job(job.pk).done == len(NIPS) // 2, what="half-way progress")
    assert _job(job.pk).status == Job.Status.RUNNING


def _booked_exactly_once(draft: PayrollImport) -> None:
    assert PayrollImport.objects.get(pk=draft.pk).status == PayrollImport.Status.COMMITTED
    assert Contribution.objects.count() == len(NIPS)
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert Transaction.objects.count() == 1
    assert ledger_verify() == []


def test_a_payroll_file_booked_by_a_worker_killed_half_way_is_booked_exactly_once(
    env, broker, row_lock, tmp_path
):
    from donors.tasks import payroll_import_commit_task

    draft, job, lock = _booking_held_half_way(row_lock)
    first = start_worker(env, tmp_path / "worker-1.log")
    try:
        broker(payroll_import_commit_task, draft.pk, job.pk, None)
        _half_way(job)
        first.kill()
    finally:
        first.stop()
    lock.release()
    # Nothing of the killed booking remains: its transaction died with the worker.
    draft.refresh_from_db()
    assert draft.status == PayrollImport.Status.DRAFT
    assert Contribution.objects.count() == 0 and Transaction.objects.count() == 0

    second = start_worker(env, tmp_path / "worker-2.log")
    try:
        # The task was never acknowledged: once it has been out for the visibility
        # timeout, the new worker's sweep puts it back in the queue and runs it.
        wait_until(
            lambda: _job(job.pk).status == Job.Status.DONE, timeout=90, what="the booking redone"
        )
    finally:
        second.stop()

    _booked_exactly_once(draft)
    assert f"payroll_import_commit_task[{_task_id(first)}] succeeded" in second.output()


def test_a_worker_that_stays_up_redoes_the_booking_of_a_worker_that_died(
    env, broker, row_lock, tmp_path
):
    """Two workers (two servers); the one booking the file loses power half-way.

    The survivor starts while the booking is out for far less than the visibility
    timeout, so its start-up sweep finds nothing to give back: only its regular
    sweep can redo the booking. Kombu's default sweeps every 100 s; the settings
    sweep every quarter of the visibility timeout, well inside the wait below.
    """
    from donors.tasks import payroll_import_commit_task

    env = {**env, "CELERY_VISIBILITY_TIMEOUT": "15"}
    draft, job, lock = _booking_held_half_way(row_lock)
    first = start_worker(env, tmp_path / "worker-first.log")
    try:
        broker(payroll_import_commit_task, draft.pk, job.pk, None)
        _half_way(job)
        # Idle: the queue is empty, the booking is with the first worker.
        second = start_worker(env, tmp_path / "worker-second.log")
        first.kill()
    finally:
        first.stop()
    try:
        lock.release()
        wait_until(
            lambda: _job(job.pk).status == Job.Status.DONE, timeout=90, what="the booking redone"
        )
    finally:
        second.stop()

    _booked_exactly_once(draft)
    assert f"payroll_import_commit_task[{_task_id(first)}] succeeded" in second.output()


def _task_id(worker) -> str:
    """The id of the one booking task a worker's log shows it received."""
    ids = re.findall(r"payroll_import_commit_task\[([0-9a-f-]{36})\] received", worker.output())
    assert len(set(ids)) == 1, ids
    return ids[0]


def test_a_second_delivery_of_a_finished_booking_changes_nothing(env, broker, tmp_path):
    from donors.tasks import payroll_import_commit_task

    draft = _payroll_draft()
    job = Job.objects.create(kind="donors.payroll_import", total=len(NIPS))
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        broker(payroll_import_commit_task, draft.pk, job.pk, None)
        wait_until(lambda: _job(job.pk).status == Job.Status.DONE, what="the booking")
        broker(payroll_import_commit_task, draft.pk, job.pk, None)
        wait_until(
            lambda: worker.output().count("payroll_import_commit_task") >= 4,
            what="the second delivery to finish",
        )
    finally:
        worker.stop()
    assert Contribution.objects.count() == len(NIPS) and Transaction.objects.count() == 1
    assert ledger_verify() == []


NATIONAL_HEADER = (
    "NO_KK;NIK;NAMA;JENIS_KELAMIN;TANGGAL_LAHIR;HUBUNGAN_KELUARGA;KODE_DESA;ALAMAT;RT;RW;DESIL"
)
NATIONAL_ROWS = [
    "3314011503100001;3314011203850001;Sukiman;L;12-03-1985;KEPALA KELUARGA;3314012001;Dukuh Keden;002;001;1",
    "3314011503100001;3314015509870002;Sumiyati;P;15/09/1987;ISTRI;3314012001;Dukuh Keden;002;001;1",
    "3314101004120004;3314104404600004;Mbah Painem;P;04-04-1960;1;3314101002;Jl. Raya 5;001;003;2",
]


def test_a_national_list_import_runs_on_a_worker_and_shows_its_progress(
    env, broker, row_lock, media, tmp_path
):
    from beneficiaries.tasks import national_list_import

    data = ("\n".join([NATIONAL_HEADER, *NATIONAL_ROWS]) + "\n").encode()
    batch = ImportBatch(source="dtks", as_of=dt.date(2025, 6, 30), filename="dtks.csv")
    batch.file_sha256 = "a" * 64
    batch.file.save("dtks.bin", ContentFile(data), save=False)
    batch.save()
    job = Job.objects.create(kind="beneficiaries.national_list")
    batch.job = job
    batch.save(update_fields=["job"])
    assert (media / batch.file.name).exists()  # the worker reads it from the shared folder
    # Hold the batch row: validation finishes (half the bar), the writing waits.
    lock = row_lock("SELECT * FROM beneficiaries_importbatch WHERE id = %s FOR UPDATE", [batch.pk])

    worker = start_worker(env, tmp_path / "worker.log")
    try:
        broker(national_list_import, batch.pk, job.pk)
        seen = wait_until(
            lambda: (j := _job(job.pk)).status == Job.Status.RUNNING and j.percent == 50 and j,
            what="validation finished, writing waiting",
        )
        assert Household.objects.count() == 0
        lock.release()
        wait_until(lambda: _job(job.pk).status == Job.Status.DONE, what="the import")
    finally:
        worker.stop()
    assert seen.percent == 50
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert (Household.objects.count(), Person.objects.count()) == (2, 3)
    assert _job(job.pk).percent == 100
