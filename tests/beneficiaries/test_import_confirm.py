"""Confirming a national-list batch: one locked service, one job, queued after commit."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import Household, ImportBatch
from beneficiaries.national_list import national_list_confirm
from core.models import AuditEntry, Job
from core.roles import Role
from tests.beneficiaries.test_national_list import csv_bytes
from tests.concurrency import run_at_once
from tests.conftest import make_user


def _batch(**fields) -> ImportBatch:
    batch = ImportBatch(
        source="dtks", as_of=dt.date(2025, 6, 30), filename="dtks.csv", file_sha256="a" * 64
    )
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.file.save("uji.bin", ContentFile(csv_bytes()), save=False)
    batch.save()
    return batch


@pytest.mark.django_db
def test_a_confirmation_queues_the_import_only_when_its_transaction_commits(
    personas, django_capture_on_commit_callbacks
):
    batch = _batch()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = national_list_confirm(batch=batch, actor=personas[Role.VERIFIER])
    assert len(callbacks) == 1
    assert Household.objects.count() == 0  # nothing ran inside the transaction
    batch.refresh_from_db()
    assert batch.job_id == job.pk and job.created_by == personas[Role.VERIFIER]
    assert AuditEntry.objects.filter(action="beneficiaries.import.confirmed").count() == 1

    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Household.objects.count() == 2
    committed = AuditEntry.objects.get(action="beneficiaries.import.committed")
    assert committed.actor == personas[Role.VERIFIER]


@pytest.mark.django_db
def test_a_second_confirmation_gets_the_first_job_back_and_queues_nothing(
    personas, django_capture_on_commit_callbacks
):
    batch = _batch()
    with django_capture_on_commit_callbacks(execute=False) as first:
        job = national_list_confirm(batch=batch, actor=personas[Role.VERIFIER])
    with django_capture_on_commit_callbacks(execute=False) as second:
        again = national_list_confirm(batch=batch, actor=personas[Role.HEAD])
    assert again.pk == job.pk
    assert (len(first), len(second)) == (1, 0)
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_a_batch_whose_job_failed_may_be_confirmed_again(personas):
    failed = Job.objects.create(kind="beneficiaries.national_list", status=Job.Status.FAILED)
    batch = _batch(job=failed)
    job = national_list_confirm(batch=batch, actor=personas[Role.HEAD])
    assert job.pk != failed.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FUND_MANAGER, Role.AUDITOR, Role.TREASURER, "outsider"])
def test_only_a_verifier_or_the_head_may_confirm_an_import(personas, role):
    batch = _batch()
    with pytest.raises(BeneficiaryError):
        national_list_confirm(batch=batch, actor=personas[role])
    batch.refresh_from_db()
    assert batch.job_id is None and Job.objects.count() == 0


@pytest.mark.django_db
def test_a_batch_already_imported_is_not_confirmed_again(personas):
    batch = _batch(status=ImportBatch.Status.IMPORTED)
    with pytest.raises(BeneficiaryError, match="sudah diproses"):
        national_list_confirm(batch=batch, actor=personas[Role.HEAD])
    assert Job.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT FOR UPDATE)"
)
def test_two_confirmations_of_one_batch_at_once_create_one_job(org):
    batch = _batch()
    officers = [
        make_user("verifikator.satu@uji.test", [Role.VERIFIER]),
        make_user("verifikator.dua@uji.test", [Role.VERIFIER]),
    ]
    url = reverse("beneficiaries:import_detail", args=[batch.pk])

    def confirm(i):
        client = Client()
        client.force_login(officers[i])
        return client.post(url).status_code

    results, errors = run_at_once(2, confirm)
    assert errors == [] and results == [302, 302]
    assert Job.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Job.objects.get().pk == batch.job_id
    assert Job.objects.get().status == Job.Status.DONE
    assert Household.objects.count() == 2
