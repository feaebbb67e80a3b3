import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import (
    Basis,
    Card,
    CriteriaSet,
    Grade,
    HomeVisit,
    Household,
    Registration,
)
from beneficiaries.selectors import household_eligibility, household_is_eligible
from beneficiaries.services import (
    card_issue,
    household_register,
    letter_issue,
    registration_decide,
    visit_submit,
)
from core.models import AuditEntry
from core.roles import Role
from tests.beneficiaries import factories
from tests.conftest import make_user


def _register(personas, *, kk=None, nik=None, verifier="default"):
    return household_register(
        kk_number=kk or factories.kk(),
        village_code="3314012001",
        street_address="Dukuh Keden",
        rt="2",
        rw="1",
        phone="0812",
        head_nik=nik or factories.nik(),
        head_name="Sukiman",
        head_sex="L",
        head_birth_date=dt.date(1985, 3, 12),
        channel=Registration.Channel.RT_RW,
        referrer="Ketua RT 02",
        verifier=personas[Role.VERIFIER] if verifier == "default" else verifier,
        actor=personas[Role.VERIFIER],
    )


def _visit(visit, personas, met=range(1, 11)):
    return visit_submit(
        visit=visit,
        criteria_set=CriteriaSet.objects.get(code="bps-14"),
        met=list(met),
        narrative="Rumah berdinding bambu, lantai tanah.",
        proposed_grade=Grade.VERY_POOR,
        visited_on=dt.date.today(),
        actor=personas[Role.VERIFIER],
    )


@pytest.mark.django_db
def test_a_listed_family_is_matched_and_recorded_on_the_national_list_basis(personas):
    home = factories.household(listed=True)
    head = home.memberships.get().person
    registration = _register(personas, nik=head.nik, verifier=None)
    assert registration.household == home
    assert registration.matched_national_list
    assert registration.status == Registration.Status.AWAITING_DECISION
    assert not HomeVisit.objects.exists()
    decision = registration_decide(
        registration=registration,
        eligible=True,
        grade=Grade.POOR,
        basis=Basis.NATIONAL_LIST,
        actor=personas[Role.HEAD],
    )
    assert decision.basis == Basis.NATIONAL_LIST
    assert household_is_eligible(household=home, on=dt.date.today())


@pytest.mark.django_db
def test_an_unlisted_family_gets_a_home_visit_then_a_decision_and_a_one_year_card(personas):
    registration = _register(personas)
    visit = registration.visit
    assert registration.status == Registration.Status.VISIT
    assert visit.verifier == personas[Role.VERIFIER]
    _visit(visit, personas)
    visit.refresh_from_db()
    assert visit.met_count == 10 and visit.meets_threshold
    registration.refresh_from_db()
    assert registration.status == Registration.Status.AWAITING_DECISION
    today = dt.date(2026, 3, 1)
    registration_decide(
        registration=registration,
        eligible=True,
        grade=Grade.VERY_POOR,
        basis=Basis.LOCAL_SURVEY,
        actor=personas[Role.HEAD],
        on=today,
    )
    card = Card.objects.get(household=registration.household)
    assert (card.valid_from, card.valid_until) == (today, dt.date(2027, 2, 28))
    assert household_is_eligible(household=card.household, on=dt.date(2027, 2, 28))
    assert not household_is_eligible(household=card.household, on=dt.date(2027, 3, 1))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "beneficiaries.registration.created",
        "beneficiaries.visit.submitted",
        "beneficiaries.registration.decided",
        "beneficiaries.card.issued",
    } <= actions


@pytest.mark.django_db
def test_an_unlisted_family_needs_a_verifier_and_nothing_is_half_saved(personas):
    with pytest.raises(BeneficiaryError, match="pilih verifikator"):
        _register(personas, verifier=None)
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_the_verifier_who_visited_may_not_decide(personas):
    registration = _register(personas)
    _visit(registration.visit, personas)
    with pytest.raises(BeneficiaryError, match="tidak boleh memutuskan kunjungannya sendiri"):
        registration_decide(
            registration=registration,
            eligible=True,
            grade=Grade.POOR,
            basis=Basis.LOCAL_SURVEY,
            actor=personas[Role.VERIFIER],
        )
    assert not Card.objects.exists()


@pytest.mark.django_db
def test_a_second_verifier_may_decide(personas):
    registration = _register(personas)
    _visit(registration.visit, personas)
    second = make_user("dewi.verifikator@uji.test", [Role.VERIFIER])
    decision = registration_decide(
        registration=registration,
        eligible=False,
        grade=Grade.NOT_POOR,
        basis=Basis.LOCAL_SURVEY,
        note="Rumah permanen, punya sepeda motor.",
        actor=second,
    )
    assert not decision.eligible
    assert not household_is_eligible(household=registration.household, on=dt.date.today())


@pytest.mark.django_db
def test_only_the_assigned_verifier_reports_a_visit(personas):
    registration = _register(personas)
    other = make_user("dewi.verifikator@uji.test", [Role.VERIFIER])
    with pytest.raises(BeneficiaryError, match="ditugaskan"):
        visit_submit(
            visit=registration.visit,
            criteria_set=CriteriaSet.objects.get(code="bps-14"),
            met=[1],
            narrative="x",
            proposed_grade=Grade.POOR,
            visited_on=dt.date.today(),
            actor=other,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("basis", "reference", "message"),
    [
        (Basis.NATIONAL_LIST, "", "tidak ada di daftar nasional"),
        (Basis.VILLAGE_LETTER, "", "SKTM"),
    ],
)
def test_the_basis_of_a_decision_must_exist(personas, basis, reference, message):
    registration = _register(personas)
    _visit(registration.visit, personas)
    with pytest.raises(BeneficiaryError, match=message):
        registration_decide(
            registration=registration,
            eligible=True,
            grade=Grade.POOR,
            basis=basis,
            basis_reference=reference,
            actor=personas[Role.HEAD],
        )


@pytest.mark.django_db
def test_a_local_survey_basis_needs_a_reported_visit(personas):
    registration = _register(personas)
    Registration.objects.filter(pk=registration.pk).update(status="awaiting")
    with pytest.raises(BeneficiaryError, match="kunjungan"):
        registration_decide(
            registration=registration,
            eligible=True,
            grade=Grade.POOR,
            basis=Basis.LOCAL_SURVEY,
            actor=personas[Role.HEAD],
        )


@pytest.mark.django_db
def test_a_family_already_waiting_cannot_register_twice(personas):
    registration = _register(personas)
    head = registration.household.memberships.get().person
    with pytest.raises(BeneficiaryError, match="sudah terdaftar"):
        _register(personas, nik=head.nik)


@pytest.mark.django_db
def test_an_expired_card_stops_eligibility_and_says_why(personas):
    home = factories.household()
    card_issue(household=home, grade=Grade.POOR, actor=personas[Role.HEAD], on=dt.date(2024, 1, 10))
    eligible, reason = household_eligibility(household=home, on=dt.date(2025, 1, 10))
    assert not eligible
    assert "habis berlaku" in reason
    assert household_eligibility(household=home, on=dt.date(2025, 1, 9))[0]


@pytest.mark.django_db
def test_an_emergency_letter_is_valid_one_month(personas):
    home = factories.household()
    letter = letter_issue(
        household=home,
        reason="disaster",
        description="Rumah terendam banjir.",
        actor=personas[Role.HEAD],
        on=dt.date(2026, 1, 31),
    )
    assert letter.valid_until == dt.date(2026, 2, 27)
    assert household_is_eligible(household=home, on=dt.date(2026, 2, 27))
    assert not household_is_eligible(household=home, on=dt.date(2026, 2, 28))
    with pytest.raises(BeneficiaryError):
        letter_issue(household=home, reason="disaster", description=" ", actor=personas[Role.HEAD])


@pytest.mark.django_db
def test_the_card_pdf_carries_the_validity_and_a_check_link_but_no_full_kk(personas, login):
    home = factories.household()
    card = card_issue(household=home, grade=Grade.VERY_POOR, actor=personas[Role.HEAD])
    response = login(personas[Role.FUND_MANAGER]).get(
        reverse("beneficiaries:card_pdf", args=[card.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert card.number in text
    assert "KARTU" in text and "Warga 1" in text
    assert home.kk_number not in text
    assert home.kk_masked.replace("•", "*") in text


@pytest.mark.django_db
def test_the_public_check_shows_only_valid_until(personas, client):
    home = factories.household()
    card = card_issue(household=home, grade=Grade.POOR, actor=personas[Role.HEAD])
    page = client.get(reverse("beneficiaries:check", args=[card.check_token])).content.decode()
    assert "Berlaku sampai" in page
    assert "Warga" not in page and home.kk_masked not in page and card.number not in page
    yesterday = dt.date.today() - dt.timedelta(days=1)
    Card.objects.filter(pk=card.pk).update(valid_from=yesterday, valid_until=yesterday)
    page = client.get(reverse("beneficiaries:check", args=[card.check_token])).content.decode()
    assert "Tidak berlaku lagi" in page
    assert client.get(reverse("beneficiaries:check", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_the_person_who_registered_a_family_may_not_decide_it(personas):
    home = factories.household(listed=True)
    registration = household_register(
        kk_number=home.kk_number,
        village_code="",
        street_address="",
        rt="",
        rw="",
        phone="",
        head_nik=home.memberships.get().person.nik,
        head_name="Warga 1",
        head_sex="L",
        head_birth_date=dt.date(1985, 3, 12),
        channel=Registration.Channel.WALK_IN,
        actor=personas[Role.HEAD],
    )
    with pytest.raises(BeneficiaryError, match="mendaftarkan"):
        registration_decide(
            registration=registration,
            eligible=True,
            grade=Grade.POOR,
            basis=Basis.NATIONAL_LIST,
            actor=personas[Role.HEAD],
        )
