"""The verifier's day: find the house, fill in the visit without losing it, and the head sees it all."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from beneficiaries.models import CriteriaSet, HomeVisit, Registration, VisitPhoto
from core.roles import Role
from tests.beneficiaries import factories

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _assigned_visit(personas):
    home = factories.household(members=2)
    registration = Registration.objects.create(
        household=home, channel="walk_in", status="visit", registered_by=personas[Role.HEAD]
    )
    return HomeVisit.objects.create(registration=registration, verifier=personas[Role.VERIFIER])


def _typed(criteria, **extra):
    data = {
        "criteria_set": criteria.pk,
        "met": ["1", "3", "5"],
        "narrative": "Lantai tanah, atap bocor di dapur.",
        "proposed_grade": "poor",
        "visited_on": dt.date.today().isoformat(),
    }
    data.update(extra)
    return data


def test_adding_a_photo_keeps_the_ticked_criteria_and_the_narrative(personas, login):
    visit = _assigned_visit(personas)
    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    data = _typed(criteria, action="photo")
    data["photo-image"] = SimpleUploadedFile("r.png", _png())
    data["photo-consent_by"] = "Bu Sumi"
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:visit", args=[visit.pk]), data
    )
    assert response.status_code == 200
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    body = response.content.decode()
    assert "Lantai tanah, atap bocor di dapur." in body
    for order in ("1", "3", "5"):
        assert f'name="met" value="{order}" id="id_met_{int(order) - 1}" checked' in body
    assert 'name="proposed_grade" value="poor" id="id_proposed_grade_1" checked' in body
    # Nothing was judged yet: no "this field is required" on the visit part.
    assert "is-invalid" not in body
    assert HomeVisit.objects.get(pk=visit.pk).status == HomeVisit.Status.ASSIGNED
    assert "<strong data-count>3</strong>" in body


def test_a_refused_photo_also_keeps_what_was_typed(personas, login):
    visit = _assigned_visit(personas)
    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    data = _typed(criteria, action="submit")
    data["photo-image"] = SimpleUploadedFile("r.png", _png())
    data["photo-consent_by"] = ""
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:visit", args=[visit.pk]), data
    )
    assert response.status_code == 200
    assert not VisitPhoto.objects.exists()
    body = response.content.decode()
    assert "persetujuan: isi nama pemberi izin" in body
    assert "Lantai tanah, atap bocor di dapur." in body
    # The visit was not sent while its photo was refused.
    assert HomeVisit.objects.get(pk=visit.pk).status == HomeVisit.Status.ASSIGNED


def test_asking_to_save_a_photo_without_one_says_so(personas, login):
    visit = _assigned_visit(personas)
    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:visit", args=[visit.pk]), _typed(criteria, action="photo")
    )
    assert "Pilih atau ambil foto dulu." in response.content.decode()
    assert HomeVisit.objects.get(pk=visit.pk).status == HomeVisit.Status.ASSIGNED


def test_a_photo_and_the_visit_can_be_sent_together(personas, login):
    visit = _assigned_visit(personas)
    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    data = _typed(criteria, action="submit")
    data["photo-image"] = SimpleUploadedFile("r.png", _png())
    data["photo-consent_by"] = "Bu Sumi"
    response = login(personas[Role.VERIFIER]).post(
        reverse("beneficiaries:visit", args=[visit.pk]), data
    )
    assert response.status_code == 302
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    assert HomeVisit.objects.get(pk=visit.pk).status != HomeVisit.Status.ASSIGNED


def test_the_photo_field_opens_the_phone_camera(personas, login):
    visit = _assigned_visit(personas)
    body = (
        login(personas[Role.VERIFIER])
        .get(reverse("beneficiaries:visit", args=[visit.pk]))
        .content.decode()
    )
    assert 'accept="image/jpeg,image/png"' in body
    assert 'capture="environment"' in body
    assert 'enctype="multipart/form-data"' in body


def test_no_grade_is_proposed_before_the_verifier_chooses(personas, login):
    visit = _assigned_visit(personas)
    client = login(personas[Role.VERIFIER])
    body = client.get(reverse("beneficiaries:visit", args=[visit.pk])).content.decode()
    assert 'name="proposed_grade"' in body
    assert not any(
        'name="proposed_grade"' in line and "checked" in line for line in body.splitlines()
    )
    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    data = _typed(criteria)
    del data["proposed_grade"]
    response = client.post(reverse("beneficiaries:visit", args=[visit.pk]), data)
    assert response.status_code == 200
    assert HomeVisit.objects.get(pk=visit.pk).status == HomeVisit.Status.ASSIGNED


def test_the_running_count_starts_from_what_is_ticked(personas, login):
    visit = _assigned_visit(personas)
    body = (
        login(personas[Role.VERIFIER])
        .get(reverse("beneficiaries:visit", args=[visit.pk]))
        .content.decode()
    )
    assert "data-met-counter" in body and "<strong data-count>0</strong>" in body


def test_the_assigned_verifier_sees_the_head_of_household_and_the_address(personas, login):
    visit = _assigned_visit(personas)
    body = login(personas[Role.VERIFIER]).get(reverse("beneficiaries:worklist")).content.decode()
    assert "Warga 1" in body
    assert "Dukuh Keden RT 02" in body
    assert visit.registration.household.kk_number not in body


def test_another_verifier_does_not_get_the_address_in_their_list(personas, login):
    from tests.conftest import make_user

    _assigned_visit(personas)
    other = make_user("lain@uji.test", [Role.VERIFIER])
    body = login(other).get(reverse("beneficiaries:worklist")).content.decode()
    assert "Dukuh Keden RT 02" not in body
    assert 'data-testid="empty-state"' in body


def test_the_head_deciding_sees_the_visit_photos(personas, login):
    visit = _assigned_visit(personas)
    criteria = CriteriaSet.objects.get(code="payakumbuh-12")
    data = _typed(criteria, action="submit", met=[str(i) for i in range(1, 10)])
    data["photo-image"] = SimpleUploadedFile("r.png", _png())
    data["photo-consent_by"] = "Bu Sumi"
    data["photo-caption"] = "Dapur"
    login(personas[Role.VERIFIER]).post(reverse("beneficiaries:visit", args=[visit.pk]), data)
    photo = VisitPhoto.objects.get()
    client = login(personas[Role.HEAD])
    body = client.get(
        reverse("beneficiaries:decide", args=[visit.registration_id])
    ).content.decode()
    assert reverse("beneficiaries:visit_photo", args=[photo.pk]) in body
    assert "Dapur" in body
    assert client.get(reverse("beneficiaries:visit_photo", args=[photo.pk])).status_code == 200
