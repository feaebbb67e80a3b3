"""Confirming a payroll file: one locked service, one job, the booking queued after commit."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry, Job
from core.roles import Role
from donors.errors import DonorError
from donors.models import Contribution, PayrollImport
from donors.services import payroll_import_confirm
from tests.concurrency import run_at_once
from tests.conftest import make_user
from tests.donors.conftest import dinkes_march


def test_a_confirmation_queues_the_booking_only_when_its_transaction_commits(
    books, prepare, django_capture_on_commit_callbacks
):
    draft, _ = prepare(dinkes_march())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = payroll_import_confirm(payroll_import=draft, actor=books.manager)
    assert len(callbacks) == 1
    assert Contribution.objects.count() == 0  # nothing booked inside the transaction
    draft.refresh_from_db()
    assert draft.job_id == job.pk and job.total == 2
    assert AuditEntry.objects.filter(action="donors.import.confirmed").count() == 1

    callbacks[0]()
    draft.refresh_from_db()
    assert draft.status == PayrollImport.Status.COMMITTED
    assert Contribution.objects.count() == 2


def test_a_second_confirmation_gets_the_first_job_back(
    books, prepare, django_capture_on_commit_callbacks
):
    draft, _ = prepare(dinkes_march())
    with django_capture_on_commit_callbacks(execute=False) as first:
        job = payroll_import_confirm(payroll_import=draft, actor=books.manager)
    with django_capture_on_commit_callbacks(execute=False) as second:
        again = payroll_import_confirm(payroll_import=draft, actor=books.manager)
    assert again.pk == job.pk and (len(first), len(second)) == (1, 0)
    assert Job.objects.count() == 1


def test_a_file_whose_job_failed_may_be_confirmed_again(books, prepare):
    draft, _ = prepare(dinkes_march())
    failed = Job.objects.create(kind="donors.payroll_import", status=Job.Status.FAILED)
    PayrollImport.objects.filter(pk=draft.pk).update(job=failed)
    assert payroll_import_confirm(payroll_import=draft, actor=books.manager).pk != failed.pk


@pytest.mark.parametrize("role", [Role.TREASURER, Role.HEAD, Role.AUDITOR, "outsider"])
def test_only_a_fund_manager_confirms_a_payroll_file(books, prepare, personas, role):
    draft, _ = prepare(dinkes_march())
    with pytest.raises(DonorError):
        payroll_import_confirm(payroll_import=draft, actor=personas[role])
    assert Job.objects.count() == 0


def test_a_booked_file_is_not_confirmed_again(books, prepare):
    draft, _ = prepare(dinkes_march())
    PayrollImport.objects.filter(pk=draft.pk).update(status=PayrollImport.Status.COMMITTED)
    with pytest.raises(DonorError, match="sudah diproses"):
        payroll_import_confirm(payroll_import=draft, actor=books.manager)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT FOR UPDATE)"
)
def test_two_confirmations_of_one_file_at_once_create_one_job(books, prepare):
    draft, _ = prepare(dinkes_march())
    managers = [books.manager, make_user("pengelola.dua@uji.test", [Role.FUND_MANAGER])]
    url = reverse("donors:import_confirm", args=[draft.pk])

    def confirm(i):
        client = Client()
        client.force_login(managers[i])
        return client.post(url).status_code

    results, errors = run_at_once(2, confirm)
    assert errors == [] and results == [302, 302]
    assert Job.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == PayrollImport.Status.COMMITTED
    assert draft.job_id == Job.objects.get().pk and Job.objects.get().status == Job.Status.DONE
    assert Contribution.objects.count() == 2
