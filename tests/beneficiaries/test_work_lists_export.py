"""The head's decision queue and the complaint list can be filtered and downloaded."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Complaint, HomeVisit, Registration
from beneficiaries.services import complaint_file
from core.roles import Role
from tests.beneficiaries import factories

pytestmark = pytest.mark.django_db


def _waiting(personas, *, listed: bool) -> Registration:
    registration = Registration.objects.create(
        household=factories.household(listed=listed),
        channel="walk_in",
        status=Registration.Status.AWAITING_DECISION,
        registered_by=personas[Role.HEAD],
        matched_national_list=listed,
    )
    HomeVisit.objects.create(registration=registration, verifier=personas[Role.VERIFIER])
    return registration


def _download(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_decision_queue_filters_by_national_list_and_links_each_case(personas, login):
    listed = _waiting(personas, listed=True)
    surveyed = _waiting(personas, listed=False)
    client = login(personas[Role.HEAD])
    url = reverse("beneficiaries:decision_queue")
    page = client.get(url, {"matched_national_list": "true"}).content.decode()
    assert reverse("beneficiaries:decide", args=[listed.pk]) in page
    assert reverse("beneficiaries:decide", args=[surveyed.pk]) not in page
    assert 'name="district"' in page and "export=xlsx" in page


def test_an_auditor_reads_the_decision_queue_without_buttons_to_decide(personas, login):
    case = _waiting(personas, listed=True)
    page = login(personas[Role.AUDITOR]).get(reverse("beneficiaries:decision_queue"))
    body = page.content.decode()
    assert page.status_code == 200
    assert case.household.village.name in body
    assert reverse("beneficiaries:decide", args=[case.pk]) not in body


def test_the_decision_queue_downloads_as_csv_with_dates_and_masked_kk(personas, login):
    registration = _waiting(personas, listed=True)
    response = login(personas[Role.HEAD]).get(
        reverse("beneficiaries:decision_queue"), {"export": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_download(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Terdaftar" and "Putuskan" not in rows[0]
    assert rows[1][0] == timezone.localdate(registration.registered_at).isoformat()
    assert rows[1][1] == f"KK {registration.household.kk_masked}"
    assert "•" in rows[1][1]


def test_the_decision_queue_downloads_as_xlsx(personas, login):
    _waiting(personas, listed=False)
    response = login(personas[Role.HEAD]).get(
        reverse("beneficiaries:decision_queue"), {"export": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(_download(response))).active
    assert sheet.max_row == 2


def test_the_complaint_list_downloads_as_xlsx_with_the_assigned_officer(personas, login):
    complaint = complaint_file(
        kind=Complaint.Kind.DISPUTE,
        channel=Complaint.Channel.DESK,
        name="Pak Darmo",
        contact="0812000111",
        description="Tidak dapat kartu.",
    )
    Complaint.objects.filter(pk=complaint.pk).update(assigned_to=personas[Role.VERIFIER])
    response = login(personas[Role.HEAD]).get(
        reverse("beneficiaries:complaint_list"), {"export": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(_download(response))).active
    assert str(personas[Role.VERIFIER]) in [cell.value for cell in sheet[2]]


def test_the_complaint_list_table_scrolls_inside_its_box_on_a_phone(personas, login):
    complaint_file(
        kind=Complaint.Kind.DISPUTE,
        channel=Complaint.Channel.DESK,
        name="Pak Darmo",
        contact="0812000111",
        description="Tidak dapat kartu.",
    )
    page = login(personas[Role.VERIFIER]).get(reverse("beneficiaries:complaint_list"))
    assert '<div class="table-responsive">' in page.content.decode().replace("\n", "")


def test_the_yes_no_filters_offer_all_instead_of_unknown(personas, login):
    client = login(personas[Role.HEAD])
    complaints = client.get(reverse("beneficiaries:complaint_list")).content.decode()
    queue = client.get(reverse("beneficiaries:decision_queue")).content.decode()
    for page in (complaints, queue):
        assert '<option value="" selected>Semua</option>' in page
        assert "Unknown" not in page


def test_the_unanswered_filter_still_tells_open_from_answered_complaints(personas, login):
    complaint = complaint_file(
        kind=Complaint.Kind.DISPUTE,
        channel=Complaint.Channel.DESK,
        name="Pak Darmo",
        contact="0812000111",
        description="Tidak dapat kartu.",
    )
    client = login(personas[Role.HEAD])
    url = reverse("beneficiaries:complaint_list")
    assert complaint.reference in client.get(url, {"open": "true"}).content.decode()
    assert complaint.reference not in client.get(url, {"open": "false"}).content.decode()
