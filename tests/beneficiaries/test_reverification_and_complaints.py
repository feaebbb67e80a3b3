import datetime as dt

import pytest
from django.urls import reverse

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import CampaignItem, Card, Complaint, Grade
from beneficiaries.selectors import campaign_summary, complaints_overdue, household_is_eligible
from beneficiaries.services import (
    campaign_item_record,
    campaign_open,
    card_issue,
    complaint_answer,
    complaint_file,
)
from core.models import AuditEntry
from core.roles import Role
from tests.beneficiaries import factories


def _campaign_with(personas, *homes, year=2026):
    for home in homes:
        card_issue(
            household=home, grade=Grade.POOR, actor=personas[Role.HEAD], on=dt.date(2025, 3, 1)
        )
    return campaign_open(year=year, name="", actor=personas[Role.HEAD])


@pytest.mark.django_db
def test_a_campaign_lists_the_households_whose_cards_end_this_year(personas):
    due, later = factories.household(), factories.household()
    card_issue(household=later, grade=Grade.POOR, actor=personas[Role.HEAD], on=dt.date(2026, 6, 1))
    campaign = _campaign_with(personas, due)
    assert list(campaign.items.values_list("household", flat=True)) == [due.pk]
    with pytest.raises(BeneficiaryError, match="sudah dibuka"):
        campaign_open(year=2026, name="", actor=personas[Role.HEAD])


@pytest.mark.django_db
def test_outcome_l_ends_the_card_and_p_renews_it_for_a_year(personas):
    graduated, still_poor = factories.household(), factories.household()
    campaign = _campaign_with(personas, graduated, still_poor)
    on = dt.date(2026, 2, 1)
    items = {i.household_id: i for i in campaign.items.all()}
    campaign_item_record(
        item=items[graduated.pk],
        outcome="L",
        error="inclusion",
        reason="Sudah punya warung dan sepeda motor.",
        actor=personas[Role.VERIFIER],
        on=on,
    )
    campaign_item_record(
        item=items[still_poor.pk],
        outcome="P",
        error="",
        reason="",
        actor=personas[Role.VERIFIER],
        on=on,
    )
    assert not household_is_eligible(household=graduated, on=on)
    assert household_is_eligible(household=still_poor, on=dt.date(2027, 1, 31))
    assert Card.objects.filter(household=still_poor).count() == 2
    summary = campaign_summary(campaign=campaign)
    assert summary == [
        {
            "household__village__code": "33.14.01.2001",
            "household__village__name": "Keden",
            "total": 2,
            "lulus": 1,
            "baru": 0,
            "pas": 1,
            "pending": 0,
            "inclusion": 1,
            "exclusion": 0,
        }
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "error", "reason", "message"),
    [
        ("X", "", "", "L, B atau P"),
        ("L", "inclusion", "", "alasan"),
        ("P", "inclusion", "terdaftar", "hanya untuk hasil L"),
        ("L", "exclusion", "miskin", "hanya untuk hasil B"),
    ],
)
def test_bad_outcomes_and_errors_without_reason_are_refused(
    personas, outcome, error, reason, message
):
    home = factories.household()
    campaign = _campaign_with(personas, home)
    with pytest.raises(BeneficiaryError, match=message):
        campaign_item_record(
            item=campaign.items.get(),
            outcome=outcome,
            error=error,
            reason=reason,
            actor=personas[Role.HEAD],
        )
    assert campaign.items.get().outcome == ""


@pytest.mark.django_db
def test_the_campaign_item_view_checks_roles(personas, login):
    home = factories.household()
    item = _campaign_with(personas, home).items.get()
    url = reverse("beneficiaries:campaign_item", args=[item.pk])
    assert login(personas[Role.AUDITOR]).post(url, {"outcome": "P"}).status_code == 403
    assert login(personas["outsider"]).post(url, {"outcome": "P"}).status_code == 404
    assert login(personas[Role.VERIFIER]).get(url).status_code == 405
    assert login(personas[Role.VERIFIER]).post(url, {"outcome": "P"}).status_code == 302
    assert CampaignItem.objects.get(pk=item.pk).outcome == "P"


@pytest.mark.django_db
def test_a_complaint_gets_a_reference_and_a_due_date_and_is_flagged_when_overdue(personas):
    complaint = complaint_file(
        kind=Complaint.Kind.MISSED,
        channel=Complaint.Channel.DESK,
        name="Bu Sarmi",
        contact="081300000",
        description="Tetangga kami sangat miskin tetapi belum terdaftar.",
        on=dt.date(2026, 1, 5),
    )
    assert complaint.reference == f"ADU-2026-{complaint.pk:05d}"
    assert complaint.due_on == dt.date(2026, 1, 19)
    assert not complaint.is_overdue(dt.date(2026, 1, 19))
    assert complaint.is_overdue(dt.date(2026, 1, 20))
    assert list(complaints_overdue(today=dt.date(2026, 1, 20))) == [complaint]
    complaint_answer(
        complaint=complaint, answer="Sudah dijadwalkan kunjungan.", actor=personas[Role.HEAD]
    )
    assert list(complaints_overdue(today=dt.date(2026, 1, 20))) == []
    with pytest.raises(BeneficiaryError):
        complaint_answer(complaint=complaint, answer="lagi", actor=personas[Role.HEAD])


@pytest.mark.django_db
def test_a_complaint_without_contact_is_refused_and_nothing_saved():
    with pytest.raises(BeneficiaryError, match="telepon atau e-mail"):
        complaint_file(kind="dispute", channel="public", name="Anon", contact="  ", description="x")
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_public_form_works_without_login_and_the_tracker_shows_no_contents(client, org):
    form = {
        "kind": "dispute",
        "name": "Pak Darmo",
        "contact": "081355500",
        "village_code": "3314012001",
        "description": "Keluarga kami ditolak padahal tidak mampu.",
    }
    refused = client.post(reverse("beneficiaries:complaint_public"), {**form, "contact": ""})
    assert refused.status_code == 200 and not Complaint.objects.exists()
    page = client.post(reverse("beneficiaries:complaint_public"), form).content.decode()
    complaint = Complaint.objects.get()
    assert complaint.reference in page and complaint.channel == "public"
    tracked = client.get(reverse("beneficiaries:complaint_track"), {"nomor": complaint.reference})
    text = tracked.content.decode()
    assert "sedang ditangani" in text
    assert "Pak Darmo" not in text and "081355500" not in text and "ditolak" not in text


@pytest.mark.django_db
def test_the_complaint_list_flags_overdue_ones(personas, login):
    complaint_file(
        kind="dispute",
        channel="desk",
        name="A",
        contact="0812",
        description="x",
        on=dt.date(2020, 1, 1),
    )
    page = login(personas[Role.HEAD]).get(reverse("beneficiaries:complaint_list")).content.decode()
    assert "TERLAMBAT" in page


@pytest.mark.django_db
def test_a_complaint_is_assigned_and_answered_on_its_page(personas, login):
    complaint = complaint_file(
        kind="dispute", channel="desk", name="A", contact="0812", description="x"
    )
    url = reverse("beneficiaries:complaint", args=[complaint.pk])
    client = login(personas[Role.HEAD])
    client.post(url, {"action": "assign", "assignee": personas[Role.VERIFIER].pk})
    client.post(url, {"action": "answer", "answer": "Akan dikunjungi."})
    complaint.refresh_from_db()
    assert complaint.assigned_to == personas[Role.VERIFIER] and complaint.is_answered
    assert (
        login(personas[Role.AUDITOR]).post(url, {"action": "answer", "answer": "x"}).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_household_found_during_the_campaign_is_added_once_and_recorded_as_b(personas, login):
    campaign = campaign_open(year=2026, name="", actor=personas[Role.HEAD])
    home = factories.household()
    client = login(personas[Role.VERIFIER])
    url = reverse("beneficiaries:campaign_add", args=[campaign.pk])
    client.post(url, {"q": home.kk_number})
    client.post(url, {"q": home.kk_number})
    client.post(url, {"q": "123"})
    item = campaign.items.get()
    assert item.household == home
    campaign_item_record(
        item=item,
        outcome="B",
        error="exclusion",
        reason="Janda lansia belum didata.",
        actor=personas[Role.HEAD],
    )
    assert household_is_eligible(household=home, on=dt.date.today())
    assert campaign_summary(campaign=campaign)[0]["exclusion"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN, Role.HEAD])
def test_a_complainant_phone_is_masked_on_the_complaint_page(personas, login, role):
    complaint = complaint_file(
        kind="dispute", channel="desk", name="A", contact="081234567890", description="x"
    )
    page = login(personas[role]).get(reverse("beneficiaries:complaint", args=[complaint.pk]))
    text = page.content.decode()
    assert "081234567890" not in text and "0812••••7890" in text
    assert not AuditEntry.objects.filter(action="beneficiaries.complaint.contact_viewed").exists()


@pytest.mark.django_db
def test_a_caseworker_reveals_the_phone_by_post_and_it_is_audited(personas, login):
    complaint = complaint_file(
        kind="dispute", channel="desk", name="A", contact="081234567890", description="x"
    )
    url = reverse("beneficiaries:complaint_contact", args=[complaint.pk])
    client = login(personas[Role.VERIFIER])
    assert client.get(url).status_code == 405
    page = client.post(url)
    assert page.status_code == 200 and "081234567890" in page.content.decode()
    entry = AuditEntry.objects.get(action="beneficiaries.complaint.contact_viewed")
    assert entry.actor == personas[Role.VERIFIER] and entry.object_id == str(complaint.pk)
    # Read-only roles may not reveal it.
    assert login(personas[Role.AUDITOR]).post(url).status_code == 403
    assert AuditEntry.objects.filter(action="beneficiaries.complaint.contact_viewed").count() == 1


def test_contacts_are_masked_whether_phone_or_email():
    from core.crypto import mask_contact

    assert mask_contact("0812-3456-7890") == "0812••••7890"
    assert mask_contact("budi@contoh.id") == "b•••@contoh.id"
    assert mask_contact("0812") == "••••"
    assert mask_contact("") == ""


PUBLIC_FORM = {
    "kind": "dispute",
    "name": "Pak Darmo",
    "contact": "081355500",
    "village_code": "3314012001",
    "description": "Keluarga kami ditolak padahal tidak mampu.",
}


@pytest.mark.django_db
def test_the_public_form_is_throttled_per_client_address(client, org, settings):
    settings.KENANGA_PUBLIC_COMPLAINTS_PER_HOUR = 3
    url = reverse("beneficiaries:complaint_public")
    answers = [client.post(url, PUBLIC_FORM, REMOTE_ADDR="203.0.113.7") for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert Complaint.objects.count() == 3
    refused = answers[-1].content.decode()
    assert "Terlalu banyak pengaduan" in refused
    assert "Keluarga kami ditolak padahal tidak mampu." in refused  # nothing typed is lost
    # Another address is not held back by the first.
    assert client.post(url, PUBLIC_FORM, REMOTE_ADDR="198.51.100.9").status_code == 200
    assert Complaint.objects.count() == 4


@pytest.mark.django_db
def test_a_five_megabyte_description_is_refused_with_the_text_given_back(client, org):
    long = "Rumah kami bocor. " * 300  # 5.400 characters
    page = client.post(
        reverse("beneficiaries:complaint_public"), {**PUBLIC_FORM, "description": long}
    )
    text = page.content.decode()
    assert "paling banyak 4000 karakter" in text
    assert long.strip() in text and 'maxlength="4000"' not in text
    huge = client.post(
        reverse("beneficiaries:complaint_public"),
        {**PUBLIC_FORM, "description": "x" * 5_000_000},
    )
    assert huge.status_code == 200 and not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_an_overlong_complaint_from_any_caller():
    with pytest.raises(BeneficiaryError):
        complaint_file(
            kind="dispute", channel="desk", name="A", contact="0812", description="x" * 4001
        )
    assert not Complaint.objects.exists()


def test_client_ip_reads_the_connection_address():
    from django.test import RequestFactory

    from core.http import client_ip

    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"
