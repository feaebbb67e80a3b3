import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import Household, Membership, Person, Region
from beneficiaries.selectors import household_by_nik, household_search
from beneficiaries.services import member_add, nik_check
from core.roles import Role
from tests.beneficiaries import factories


@pytest.mark.django_db
def test_the_shipped_regions_reach_every_village_of_jawa_tengah_and_sumatera_barat():
    assert Region.objects.get(code="33").name == "JAWA TENGAH"
    assert Region.objects.get(code="13").name == "SUMATERA BARAT"
    assert Region.objects.get(code="33.14").name == "KABUPATEN SRAGEN"
    assert Region.objects.get(code="13.76").name == "KOTA PAYAKUMBUH"
    assert Region.objects.filter(parent_id="33.14", level=Region.Level.DISTRICT).count() == 20
    village = Region.objects.get(code="33.14.10.1002")
    assert village.parent.parent_id == "33.14" and village.is_kelurahan
    assert not Region.objects.get(code="33.14.01.2001").is_kelurahan


@pytest.mark.django_db
def test_loading_the_regions_again_changes_nothing():
    before = Region.objects.count()
    call_command("load_regions", stdout=__import__("io").StringIO())
    assert Region.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "331401120385000",  # 15 digits
        "33140112038500011",  # 17 digits
        "3314011213850001",  # 13th month
        "3314017202850001",  # women's day 72 -> 32
        "3314012902830001",  # 29 February 1983
        "3314011203850000",  # serial 0000
        "0014011203850001",  # province 00
        "3.31401E+15",  # read as a number by a spreadsheet
    ],
)
def test_a_wrong_nik_is_refused_with_a_reason(bad):
    with pytest.raises(BeneficiaryError) as error:
        nik_check(bad)
    assert str(error.value)


@pytest.mark.django_db
def test_a_womans_nik_with_day_plus_forty_is_accepted_and_an_unknown_region_only_warned():
    nik, warning = nik_check("3314015203850001")
    assert nik == "3314015203850001" and warning == ""
    _nik, warning = nik_check("9171015203850001")
    assert "91.71.01" in warning


@pytest.mark.django_db
def test_the_database_holds_no_clear_nik_kk_phone_address_or_health_note():
    home = factories.household()
    person = home.memberships.get().person
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kk_number, street_address, phone, kk_hash FROM beneficiaries_household "
            "WHERE id = %s",
            [home.pk],
        )
        household_row = " ".join(cursor.fetchone())
        cursor.execute(
            "SELECT nik, health_notes, nik_hash FROM beneficiaries_person WHERE id = %s",
            [person.pk],
        )
        person_row = " ".join(cursor.fetchone())
    for clear in (home.kk_number, "Dukuh Keden", "081234567890"):
        assert clear not in household_row
    for clear in (person.nik, "hipertensi", person.nik[6:12]):
        assert clear not in person_row
    # ...while the application reads them back.
    assert Household.objects.get(pk=home.pk).street_address == "Dukuh Keden RT 02"


@pytest.mark.django_db
def test_a_person_cannot_join_a_second_household_without_moving(personas):
    first, second = factories.household(), factories.household()
    person = first.memberships.get().person
    with pytest.raises(BeneficiaryError, match="masih anggota aktif"):
        member_add(
            household=second,
            nik=person.nik,
            name=person.name,
            sex="L",
            birth_date=person.birth_date,
            relation=Membership.Relation.OTHER,
            actor=personas[Role.VERIFIER],
        )
    assert second.memberships.count() == 1


@pytest.mark.django_db
def test_a_move_ends_the_old_membership_and_keeps_the_history(personas):
    first, second = factories.household(), factories.household()
    person = first.memberships.get().person
    member_add(
        household=second,
        nik=person.nik,
        name=person.name,
        sex="L",
        birth_date=person.birth_date,
        relation=Membership.Relation.SPOUSE,
        actor=personas[Role.VERIFIER],
        move=True,
        on=dt.date(2026, 2, 1),
    )
    history = list(person.memberships.order_by("started_on").values_list("household", "ended_on"))
    assert history == [(first.pk, dt.date(2026, 2, 1)), (second.pk, None)]
    assert household_by_nik(nik=person.nik) == second


@pytest.mark.django_db
def test_the_database_itself_refuses_two_active_memberships():
    first, second = factories.household(), factories.household()
    person = first.memberships.get().person
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=second, person=person, relation="other", started_on=dt.date.today()
        )


@pytest.mark.django_db
def test_a_wrong_nik_for_a_new_member_saves_nothing(personas):
    home = factories.household()
    with pytest.raises(BeneficiaryError):
        member_add(
            household=home,
            nik="3314011203850000",
            name="X",
            sex="L",
            birth_date=dt.date(1985, 3, 12),
            relation="child",
            actor=personas[Role.VERIFIER],
        )
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_search_finds_by_nik_kk_name_and_village():
    home = factories.household(members=2)
    other = factories.household(village="33.14.10.1002")
    nik = home.memberships.first().person.nik
    assert list(household_search(q=nik)) == [home]
    assert list(household_search(q=home.kk_number)) == [home]
    assert list(household_search(q="warga 2")) == [home]
    assert list(household_search(village="33.14.10")) == [other]
    assert list(household_search(q="3314019999999999")) == []
