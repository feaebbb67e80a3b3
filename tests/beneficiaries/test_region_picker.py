"""Citizens and desk staff choose kecamatan and desa by name, not by a 10-digit code."""

import pytest
from django.urls import reverse

from beneficiaries.forms import ComplaintForm, DeskForm
from beneficiaries.models import Complaint
from core.roles import Role

pytestmark = pytest.mark.django_db


def _complaint(**extra):
    data = {
        "kind": "unreceived",
        "name": "Bu Sumi",
        "contact": "0812000111",
        "description": "Beras bulan ini belum sampai.",
    }
    data.update(extra)
    return data


def test_the_public_complaint_form_offers_kecamatan_and_desa_by_name(org, client):
    body = client.get(reverse("beneficiaries:complaint_public")).content.decode()
    assert '<select name="district"' in body
    assert ">Kalijambe</option>" in body
    assert '<optgroup label="Kalijambe">' in body
    assert 'value="33.14.01.2001" data-district="33.14.01"' in body and ">Keden</option>" in body
    assert "10 angka Kemendagri" not in body


def test_a_complaint_is_filed_with_a_village_chosen_by_name(org, client):
    response = client.post(
        reverse("beneficiaries:complaint_public"),
        _complaint(district="33.14.01", village_code="33.14.01.2001"),
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.village.name == "Keden"
    assert complaint.kind == Complaint.Kind.AID_NOT_RECEIVED


def test_a_village_outside_the_chosen_kecamatan_is_refused(org, client):
    response = client.post(
        reverse("beneficiaries:complaint_public"),
        _complaint(district="33.14.02", village_code="33.14.01.2001"),
    )
    assert "tidak berada di kecamatan yang dipilih" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_village_of_another_regency_is_not_a_choice(org):
    form = ComplaintForm(_complaint(village_code="33.15.01.2001"))
    assert not form.is_valid()
    assert "village_code" in form.errors


def test_the_kemendagri_code_typed_in_full_is_still_understood(org):
    form = DeskForm(
        {
            "channel": "rt_rw",
            "kk_number": "3314011503100001",
            "head_nik": "3314011203850001",
            "head_name": "Sukiman",
            "head_sex": "L",
            "head_birth_date": "1985-03-12",
            "village_code": "3314012001",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["village_code"] == "33.14.01.2001"
    assert "district" not in form.cleaned_data


def test_the_desk_form_requires_a_village(personas, login):
    body = login(personas[Role.HEAD]).get(reverse("beneficiaries:desk")).content.decode()
    assert (
        '<select name="village_code"' in body
        and "required" in body.split('name="village_code"')[1][:200]
    )


def test_without_a_regency_in_the_profile_the_code_field_stays(org):
    org.region_code = ""
    org.save()
    form = ComplaintForm()
    assert "district" not in form.fields
    assert "Kemendagri" in str(form.fields["village_code"].label)


def test_the_complaint_form_offers_help_did_not_arrive_and_the_home_page_links_it(org, client):
    home = client.get("/").content.decode()
    assert "?jenis=unreceived" in home
    body = client.get(
        reverse("beneficiaries:complaint_public") + "?jenis=unreceived"
    ).content.decode()
    assert 'value="unreceived" id="id_kind_2" checked' in body
    assert "Bantuan tidak sampai" in body


def test_an_unknown_kind_in_the_link_preselects_nothing(org, client):
    body = client.get(reverse("beneficiaries:complaint_public") + "?jenis=x").content.decode()
    assert "checked" not in body
