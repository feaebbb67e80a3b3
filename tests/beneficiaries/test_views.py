import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from beneficiaries.models import (
    Card,
    HomeVisit,
    Household,
    ImportBatch,
    Membership,
    Registration,
    VisitPhoto,
)
from beneficiaries.services import card_issue
from core.models import AuditEntry, Job
from core.roles import Role
from tests.beneficiaries import factories
from tests.beneficiaries.test_national_list import ROWS, csv_bytes


def _desk_post(**extra):
    data = {
        "channel": "rt_rw",
        "referrer": "Ketua RT",
        "kk_number": factories.kk(),
        "head_nik": factories.nik(),
        "head_name": "Sukiman",
        "head_sex": "L",
        "head_birth_date": "1985-03-12",
        "village_code": "3314012001",
        "street_address": "Dukuh Keden",
        "rt": "2",
        "rw": "1",
        "phone": "0812",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_the_desk_registers_an_unlisted_family_and_assigns_the_visit(personas, login):
    client = login(personas[Role.VERIFIER])
    response = client.post(
        reverse("beneficiaries:desk"), _desk_post(verifier=personas[Role.VERIFIER].pk)
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get()
    assert visit.verifier == personas[Role.VERIFIER]
    worklist = client.get(reverse("beneficiaries:worklist")).content.decode()
    assert reverse("beneficiaries:visit", args=[visit.pk]) in worklist


@pytest.mark.django_db
def test_the_desk_shows_a_wrong_nik_and_saves_nothing(personas, login):
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:desk"),
        _desk_post(head_nik="3314011203850000", verifier=personas[Role.VERIFIER].pk),
    )
    assert response.status_code == 200
    assert "0000" in response.content.decode()
    assert Household.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("auditor", 403), ("fund_manager", 404), ("outsider", 404)]
)
def test_the_desk_refuses_readers_and_outsiders(personas, login, role, status):
    response = login(personas[role]).post(reverse("beneficiaries:desk"), _desk_post())
    assert response.status_code == status
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_pages_show_the_nik_masked_by_default(personas, login):
    home = factories.household()
    nik = home.memberships.get().person.nik
    for role in (Role.VERIFIER, Role.FUND_MANAGER, Role.AUDITOR):
        page = login(personas[role]).get(reverse("beneficiaries:household", args=[home.pk]))
        text = page.content.decode()
        assert nik not in text and home.kk_number not in text
        assert nik[:6] + "••••••" + nik[-4:] in text
        assert "Dukuh Keden" not in text


@pytest.mark.django_db
def test_a_verifier_may_reveal_the_full_nik_and_the_view_is_audited(personas, login):
    home = factories.household()
    person = home.memberships.get().person
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:household_reveal", args=[home.pk])
    )
    assert person.nik in response.content.decode()
    entry = AuditEntry.objects.get(action="beneficiaries.member.nik_viewed")
    assert entry.actor == personas[Role.VERIFIER] and entry.object_id == str(person.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("auditor", 403), ("fund_manager", 404), ("outsider", 404)]
)
def test_other_roles_cannot_reveal_a_nik(personas, login, role, status):
    home = factories.household()
    response = login(personas[role]).post(reverse("beneficiaries:household_reveal", args=[home.pk]))
    assert response.status_code == status
    assert not AuditEntry.objects.filter(action="beneficiaries.member.nik_viewed").exists()


@pytest.mark.django_db
def test_get_on_post_only_urls_is_405(personas, login):
    home = factories.household()
    client = login(personas[Role.VERIFIER])
    assert client.get(reverse("beneficiaries:household_reveal", args=[home.pk])).status_code == 405


@pytest.mark.django_db
def test_search_by_nik_finds_the_household_without_the_nik_in_any_url(personas, login):
    home, _other = factories.household(), factories.household()
    nik = home.memberships.get().person.nik
    client = login(personas[Role.FUND_MANAGER])
    posted = client.post(reverse("beneficiaries:search"), {"q": nik})
    assert posted.status_code == 302 and nik not in posted.url and "cari=" in posted.url
    page = client.get(posted.url)
    text = page.content.decode()
    assert reverse("beneficiaries:household", args=[home.pk]) in text
    assert reverse("beneficiaries:household", args=[_other.pk]) not in text
    assert 'method="post"' in text
    assert "no-store" in page["Cache-Control"]
    export = client.get(posted.url + "&export=csv")
    body = b"".join(export.streaming_content).decode()
    assert home.kk_masked in body and home.kk_number not in body
    # The token means nothing in another session.
    stranger = login(personas[Role.VERIFIER]).get(posted.url).content.decode()
    assert reverse("beneficiaries:household", args=[_other.pk]) in stranger


@pytest.mark.django_db
def test_a_nik_put_in_the_url_is_not_searched(personas, login):
    home, other = factories.household(), factories.household()
    nik = home.memberships.get().person.nik
    page = login(personas[Role.FUND_MANAGER]).get(reverse("beneficiaries:search"), {"q": nik})
    text = page.content.decode()
    assert "lewat formulir" in text
    assert reverse("beneficiaries:household", args=[other.pk]) in text


@pytest.mark.django_db
def test_an_auditor_searches_by_post_too(personas, login):
    home = factories.household()
    client = login(personas[Role.AUDITOR])
    posted = client.post(reverse("beneficiaries:search"), {"q": home.kk_number})
    assert posted.status_code == 302
    assert (
        reverse("beneficiaries:household", args=[home.pk])
        in client.get(posted.url).content.decode()
    )


@pytest.mark.django_db
def test_pages_with_personal_data_are_never_cached(personas, login):
    home = factories.household()
    client = login(personas[Role.VERIFIER])
    for url in (
        reverse("beneficiaries:household", args=[home.pk]),
        reverse("beneficiaries:search"),
        reverse("beneficiaries:complaint_list"),
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url


@pytest.mark.django_db
def test_a_member_added_through_the_page_and_a_refused_duplicate(personas, login):
    first, second = factories.household(), factories.household()
    client = login(personas[Role.VERIFIER])
    person = first.memberships.get().person
    data = {
        "nik": person.nik,
        "name": person.name,
        "sex": "L",
        "birth_date": "1985-03-12",
        "relation": "spouse",
    }
    url = reverse("beneficiaries:member_add", args=[second.pk])
    refused = client.post(url, data)
    assert "masih anggota aktif" in refused.content.decode()
    moved = client.post(url, {**data, "move": "on"})
    assert moved.status_code == 302
    assert Membership.objects.filter(person=person).count() == 2


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _assigned_visit(personas):
    home = factories.household()
    registration = Registration.objects.create(
        household=home, channel="walk_in", status="visit", registered_by=personas[Role.HEAD]
    )
    return HomeVisit.objects.create(registration=registration, verifier=personas[Role.VERIFIER])


@pytest.mark.django_db
def test_a_photo_needs_consent_and_is_served_only_to_permitted_roles(personas, login):
    visit = _assigned_visit(personas)
    client = login(personas[Role.VERIFIER])
    url = reverse("beneficiaries:visit_photo_add", args=[visit.pk])
    client.post(url, {"image": SimpleUploadedFile("r.png", _png()), "consent_by": ""})
    assert not VisitPhoto.objects.exists()
    client.post(
        url, {"image": SimpleUploadedFile("r.png", b"not an image"), "consent_by": "Bu Sumi"}
    )
    assert not VisitPhoto.objects.exists()
    client.post(url, {"image": SimpleUploadedFile("r.png", _png()), "consent_by": "Bu Sumi"})
    photo = VisitPhoto.objects.get()
    assert client.get(reverse("beneficiaries:visit_photo", args=[photo.pk])).status_code == 200
    for role, status in (("head", 200), ("fund_manager", 404), ("outsider", 404)):
        response = login(personas[role]).get(reverse("beneficiaries:visit_photo", args=[photo.pk]))
        assert response.status_code == status, role


@pytest.mark.django_db
def test_the_visit_form_sends_the_case_to_the_head(personas, login):
    visit = _assigned_visit(personas)
    from beneficiaries.models import CriteriaSet

    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:visit", args=[visit.pk]),
        {
            "criteria_set": criteria.pk,
            "met": ["1", "2", "3", "4", "5", "6", "7"],
            "narrative": "Lantai tanah.",
            "proposed_grade": "poor",
            "visited_on": dt.date.today().isoformat(),
        },
    )
    assert response.status_code == 302
    queue = login(personas[Role.HEAD]).get(reverse("beneficiaries:decision_queue"))
    assert reverse("beneficiaries:decide", args=[visit.registration_id]) in queue.content.decode()


@pytest.mark.django_db
def test_another_verifier_cannot_open_someone_elses_visit(personas, login):
    from tests.conftest import make_user

    visit = _assigned_visit(personas)
    other = make_user("dewi@uji.test", [Role.VERIFIER])
    assert login(other).get(reverse("beneficiaries:visit", args=[visit.pk])).status_code == 404


@pytest.mark.django_db
def test_the_import_in_the_browser_previews_then_commits_everything(
    personas, login, django_capture_on_commit_callbacks
):
    client = login(personas[Role.VERIFIER])
    response = client.post(
        reverse("beneficiaries:import_upload"),
        {
            "file": SimpleUploadedFile("dtks.csv", csv_bytes()),
            "source": "dtks",
            "as_of": "2025-06-30",
        },
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("beneficiaries:import_detail", args=[batch.pk])
    preview = client.get(response.url).content.decode()
    assert "4 baris: 2 KK, 4 orang" in preview
    assert Household.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Job.objects.get(pk=batch.job_id).status == Job.Status.DONE
    assert Household.objects.count() == 2
    again = client.post(
        reverse("beneficiaries:import_upload"),
        {"file": SimpleUploadedFile("b.csv", csv_bytes()), "source": "dtks", "as_of": "2025-09-30"},
    )
    assert "sudah pernah diimpor" in again.content.decode()


@pytest.mark.django_db
def test_the_import_preview_lists_errors_and_offers_no_import(personas, login):
    client = login(personas[Role.HEAD])
    bad = [*ROWS, ROWS[0].replace(";L;", ";X;")]
    response = client.post(
        reverse("beneficiaries:import_upload"),
        {
            "file": SimpleUploadedFile("d.csv", csv_bytes(bad)),
            "source": "dtks",
            "as_of": "2025-06-30",
        },
    )
    page = client.get(response.url).content.decode()
    assert "Baris 6, kolom JENIS_KELAMIN" in page
    assert "Impor semuanya" not in page


@pytest.mark.django_db
def test_statistics_count_households_per_village(personas, login):
    home = factories.household(listed=True)
    card_issue(household=home, grade="poor", actor=personas[Role.HEAD])
    factories.household()
    response = login(personas[Role.FUND_MANAGER]).get(
        reverse("beneficiaries:statistics"), {"export": "csv"}
    )
    body = b"".join(response.streaming_content).decode()
    assert "33.14.01.2001;Keden;Kalijambe;2;1;1;0" in body


@pytest.mark.django_db
def test_the_head_issues_an_emergency_letter_and_a_verifier_may_not(personas, login):
    home = factories.household()
    url = reverse("beneficiaries:letter_create", args=[home.pk])
    data = {"reason": "illness", "description": "Anak dirawat di RSUD."}
    assert login(personas[Role.VERIFIER]).post(url, data).status_code == 404
    assert login(personas[Role.HEAD]).post(url, data).status_code == 302
    assert home.letters.count() == 1
    assert not Card.objects.exists()


@pytest.mark.django_db
def test_search_filters_by_kecamatan(personas, login):
    keden = factories.household()
    sragen = factories.household(village="33.14.10.1002")
    page = login(personas[Role.HEAD]).get(reverse("beneficiaries:search"), {"village": "33.14.10"})
    text = page.content.decode()
    assert reverse("beneficiaries:household", args=[sragen.pk]) in text
    assert reverse("beneficiaries:household", args=[keden.pk]) not in text
