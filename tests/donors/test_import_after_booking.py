"""After a payroll file is booked its page tells what was done, and every import offers a template."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from core.models import Job
from donors.models import Donor, PayrollImport
from tests.donors.conftest import NIP_A, NIP_B, csv_file

pytestmark = pytest.mark.django_db

NEW_PEOPLE = [
    ("199512242020122004", "Rina Handayani", "75.000"),
    ("199601012021011001", "Joko Susilo", "75.000"),
]


def _file():
    return csv_file(
        [(NIP_A, "Budi Santoso", "200.000"), (NIP_B, "Sri Lestari", "100.000"), *NEW_PEOPLE]
    )


def _dd(body: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">([^<]*)<', body).group(1).strip()


@pytest.mark.django_db(transaction=True)
def test_the_booked_page_counts_what_was_created_and_speaks_in_the_past(books, prepare, login):
    draft, check = prepare(_file())
    assert check.new_donor_count == 2
    client = login(books.manager)
    before = Donor.objects.count()
    # Without a worker (CELERY_EAGER) the booking runs as the confirmation commits.
    response = client.post(reverse("donors:import_confirm", args=[draft.pk]), follow=True)
    body = response.content.decode()
    created = Donor.objects.count() - before
    assert created == 2
    assert _dd(body, "import-new-donors") == str(created)
    assert _dd(body, "import-count") == "4"
    assert "Dibukukan: 4 baris, 2 donatur baru." in body
    assert "akan dibuat" not in body and "akan didaftarkan" not in body
    assert "Pembukuan berjalan" not in body
    assert "100%" in body
    imp = PayrollImport.objects.get()
    assert imp.status == "committed" and imp.new_donor_count == 2


def test_a_booking_still_running_shows_the_bar_only_and_reloads_the_page_when_done(
    books, prepare, login, monkeypatch, django_capture_on_commit_callbacks
):
    from donors import tasks
    from donors.tasks import payroll_import_commit_task

    queued = []
    monkeypatch.setattr(tasks.payroll_import_commit_task, "delay", lambda *ids: queued.append(ids))
    draft, _ = prepare(_file())
    client = login(books.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donors:import_confirm", args=[draft.pk]))
    body = client.get(reverse("donors:import_detail", args=[draft.pk])).content.decode()
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert "Dibukukan:" not in body and "Pembukuan berjalan" not in body
    assert f'hx-get="{reverse("core:job", args=[job.pk])}"' in body
    poll = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "HX-Refresh" not in poll

    payroll_import_commit_task(*queued[0])  # the worker runs it
    poll = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    body = client.get(reverse("donors:import_detail", args=[draft.pk])).content.decode()
    assert "hx-get" not in body.split('id="job-')[1].split(">")[0]  # no more polling
    assert _dd(body, "import-new-donors") == "2"
    assert "akan dibuat" not in body


def test_the_command_prints_the_donors_it_created(books, tmp_path):
    path = tmp_path / "gaji.csv"
    path.write_bytes(_file())
    before = Donor.objects.count()
    out = StringIO()
    call_command(
        "import_contributions",
        str(path),
        "--fund",
        "matra",
        "--period",
        "2025-03",
        "--opd",
        "dinkes",
        "--date",
        "2025-03-28",
        stdout=out,
    )
    assert Donor.objects.count() - before == 2
    assert "2 donatur baru" in out.getvalue()


def _template_of(body: str) -> Path:
    href = body.split('data-testid="import-template"')[0].rsplit('href="', 1)[1].split('"')[0]
    found = finders.find(href.removeprefix("/static/"))
    assert found, href
    return Path(found)


def test_every_import_page_offers_a_template_that_its_importer_reads(personas, login):
    from beneficiaries.national_list import parse_national_list
    from core.imports import read_table
    from disbursements.services import BATCH_ALIASES, BATCH_COLUMNS
    from donors.payroll import payroll_file_parse
    from funds.reconciliation import statement_parse

    pages = {
        "payroll": (personas["fund_manager"], reverse("donors:import_upload")),
        "national list": (personas["head"], reverse("beneficiaries:import_upload")),
        "bank statement": (personas["treasurer"], reverse("funds:reconciliation")),
        "school batch": (personas["verifier"], reverse("disbursements:batch_new")),
    }
    files = {}
    for what, (user, url) in pages.items():
        files[what] = _template_of(login(user).get(url).content.decode())
    payroll = payroll_file_parse(data=files["payroll"].read_bytes(), filename="contoh.csv")
    assert payroll.ok and payroll.count == 2, payroll.errors
    national = parse_national_list(files["national list"].read_bytes(), filename="contoh.csv")
    assert not national.errors and national.households
    statement = statement_parse(data=files["bank statement"].read_bytes(), filename="contoh.csv")
    assert not statement.errors and statement.lines
    batch = read_table(
        files["school batch"].read_bytes(),
        filename="contoh.csv",
        required=BATCH_COLUMNS,
        aliases=BATCH_ALIASES,
    )
    assert len(batch.rows) == 2
    from core.identity import parse_nik

    for _number, row in batch.rows:
        parse_nik(row["NIK"])  # a NIK that exists in form (a woman's day code 44 included)
