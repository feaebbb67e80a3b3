"""A donor's rules are kept by the services, so the command line and tasks meet them too."""

import datetime as dt

import pytest

from core.models import AuditEntry
from donors.errors import DonorError
from donors.models import Donor, Opd
from donors.services import donor_create, donor_update
from tests.donors.conftest import NIP_A, NIP_NEW


@pytest.fixture
def dinkes(db):
    return Opd.objects.create(code="DINKES", name="Dinas Kesehatan")


def _pns(dinkes, **extra):
    values = {
        "kind": Donor.Kind.CIVIL_SERVANT,
        "name": "Budi Santoso",
        "nip": NIP_NEW,
        "opd": dinkes,
        "position": Donor.Position.STAFF,
    }
    values.update(extra)
    return values


@pytest.mark.parametrize(
    ("missing", "field"),
    [("opd", "opd"), ("position", "position"), ("nip", "nip")],
)
def test_a_civil_servant_without_opd_position_or_nip_is_refused(dinkes, missing, field):
    with pytest.raises(DonorError) as refused:
        donor_create(actor=None, **{**_pns(dinkes), missing: None})
    assert refused.value.field == field
    assert not Donor.objects.exists()


def test_a_civil_servant_with_an_unknown_position_or_a_bad_nip_is_refused(dinkes):
    with pytest.raises(DonorError) as refused:
        donor_create(actor=None, **_pns(dinkes, position="bupati"))
    assert refused.value.field == "position"
    with pytest.raises(DonorError) as refused:
        donor_create(actor=None, **_pns(dinkes, nip="12345"))
    assert refused.value.field == "nip"


def test_a_complete_civil_servant_is_recorded_and_audited(dinkes):
    donor = donor_create(actor=None, **_pns(dinkes, nip=f" {NIP_NEW[:8]} {NIP_NEW[8:]} "))
    assert donor.nip == NIP_NEW and donor.opd == dinkes
    assert AuditEntry.objects.filter(action="donors.donor.created").count() == 1


def test_other_rules_of_the_form_hold_in_the_service_as_well(db):
    with pytest.raises(DonorError, match="jenis lembaga"):
        donor_create(actor=None, kind=Donor.Kind.INSTITUTION, name="BAZNAS Sragen")
    with pytest.raises(DonorError, match="persetujuan"):
        donor_create(
            actor=None, kind=Donor.Kind.INDIVIDUAL, name="Siti", display=Donor.Display.NAMED
        )
    with pytest.raises(DonorError, match="NPWP"):
        donor_create(actor=None, kind=Donor.Kind.COMPANY, name="PT Maju", npwp="12.345")
    with pytest.raises(DonorError, match="Nama"):
        donor_create(actor=None, kind=Donor.Kind.INDIVIDUAL, name="  ")
    with pytest.raises(TypeError):
        donor_create(actor=None, kind=Donor.Kind.INDIVIDUAL, name="Siti", is_active=False)


def test_an_update_cannot_leave_a_civil_servant_without_an_opd(dinkes):
    donor = donor_create(actor=None, **_pns(dinkes))
    with pytest.raises(DonorError) as refused:
        donor_update(donor=donor, actor=None, opd=None)
    assert refused.value.field == "opd"
    donor.refresh_from_db()
    assert donor.opd == dinkes


def test_an_individual_becoming_a_civil_servant_needs_the_civil_servant_details(dinkes):
    donor = donor_create(actor=None, kind=Donor.Kind.INDIVIDUAL, name="Sri Lestari")
    with pytest.raises(DonorError):
        donor_update(donor=donor, actor=None, kind=Donor.Kind.CIVIL_SERVANT, nip=NIP_NEW)
    updated = donor_update(
        donor=donor,
        actor=None,
        kind=Donor.Kind.CIVIL_SERVANT,
        nip=NIP_NEW,
        opd=dinkes,
        position=Donor.Position.ECHELON_III,
        display=Donor.Display.NAMED,
        name_consent_on=dt.date(2025, 1, 2),
    )
    assert updated.kind == Donor.Kind.CIVIL_SERVANT
    entry = AuditEntry.objects.get(action="donors.donor.updated")
    assert entry.changes["kind"] == ["individual", "pns"]


def test_a_nip_already_recorded_is_refused_with_a_message(dinkes):
    donor_create(actor=None, **_pns(dinkes, nip=NIP_A))
    with pytest.raises(DonorError) as refused:
        donor_create(actor=None, **_pns(dinkes, nip=NIP_A, name="Orang lain"))
    assert refused.value.field == "nip"


def test_the_form_shows_the_service_rule_next_to_the_field(personas, client, dinkes):
    client.force_login(personas["fund_manager"])
    response = client.post(
        "/donatur/baru/",
        {"kind": "pns", "name": "Budi", "nip": NIP_NEW, "display": "anonymous"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "PNS wajib memiliki OPD." in form.errors["opd"]
    assert "Pilih eselon atau jabatan." in form.errors["position"]
    assert not Donor.objects.exists()


def test_an_opd_is_recorded_with_plain_values_in_capitals_once(db):
    from donors.services import opd_create

    opd = opd_create(code=" dinkes ", name="Dinas Kesehatan", actor=None)
    assert opd.code == "DINKES"
    with pytest.raises(DonorError) as refused:
        opd_create(code="DINKES", name="Lagi", actor=None)
    assert refused.value.field == "code"
    with pytest.raises(DonorError):
        opd_create(code="", name="Tanpa kode", actor=None)
    assert AuditEntry.objects.filter(action="donors.opd.created").count() == 1


def test_a_scheme_is_recorded_with_plain_values_one_per_fund(books):
    from donors.services import scheme_create

    scheme = scheme_create(
        code="infak", name="Infak", fund=books.infak, deposit_location=books.bank, actor=None
    )
    assert scheme.fund == books.infak
    with pytest.raises(DonorError) as refused:
        scheme_create(
            code="infak-2",
            name="Infak 2",
            fund=books.infak,
            deposit_location=books.bank,
            actor=None,
        )
    assert refused.value.field == "fund"
    with pytest.raises(DonorError) as refused:
        scheme_create(
            code="matra", name="MATRA", fund=books.matra, deposit_location=books.bank, actor=None
        )
    assert refused.value.field == "code"


def test_the_opd_page_creates_an_opd_through_the_service(personas, client, db):
    client.force_login(personas["fund_manager"])
    response = client.post("/donatur/opd/", {"code": "bkd", "name": "BKD", "is_active": "on"})
    assert response.status_code == 302
    assert Opd.objects.get().code == "BKD"
    assert AuditEntry.objects.filter(action="donors.opd.created").exists()
