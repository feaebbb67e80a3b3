"""A request for help is checked against every rule, each refusal explained in Indonesian."""

from decimal import Decimal

import pytest

from beneficiaries.models import Grade
from disbursements.errors import DisbursementError
from disbursements.models import DisbursementRequest
from disbursements.services import disbursement_check, fund_suggest
from tests.disbursements.conftest import family, pupil

D = Decimal


def refusal(aid, home, code="rtlh", **kw):
    """Return the live check's refusals as one text."""
    kw.setdefault("fund", aid.matra)
    kw.setdefault("amount", "5000000")
    result = disbursement_check(
        programme=aid.p[code], household=home, member=kw.pop("member", None), **kw
    )
    return " ".join(result.problems)


def test_an_eligible_household_passes_the_check_with_its_card_named(aid):
    home = family(grade=Grade.VERY_POOR)
    result = disbursement_check(
        programme=aid.p["rtlh"], household=home, member=None, fund=aid.matra, amount="5.000.000"
    )
    assert result.ok, result.problems
    assert any("Kartu KM-" in note for note in result.notes)
    assert result.amount == D("5000000")


def test_it_refuses_a_household_without_a_valid_card(aid):
    assert "habis berlaku" in refusal(aid, family(valid=False))
    assert "Belum ada kartu" in refusal(aid, family(card=False))


def test_it_refuses_a_grade_the_programme_does_not_serve(aid):
    assert "hanya untuk" in refusal(aid, family(grade=Grade.NEAR_POOR))


def test_an_emergency_letter_is_enough_only_where_the_programme_says_so(aid):
    home = family(card=False, letter=True)
    assert "membutuhkan kartu" in refusal(aid, home)
    patient = pupil(home, "")
    assert refusal(aid, home, "darurat", amount="1000000") == ""
    assert refusal(aid, home, "kesehatan", amount="1200000", member=patient) == ""


def test_it_refuses_an_amount_outside_the_range(aid):
    home = family()
    assert "ditetapkan Rp5.000.000" in refusal(aid, home, amount="6.000.000")
    child = pupil(home, "sd")
    assert "di luar rentang" in refusal(aid, home, "pendidikan", amount="600.000", member=child)
    teen = pupil(family(), "sma")
    assert (
        refusal(aid, teen.memberships.get().household, "pendidikan", amount="600.000", member=teen)
        == ""
    )


def test_it_refuses_an_amount_in_english_format(aid):
    assert "format angka Inggris" in refusal(aid, family(), amount="5,000,000.00")


def test_it_refuses_a_member_of_another_household(aid):
    stranger = pupil(family(), "sd")
    text = refusal(aid, family(), "pendidikan", amount="375000", member=stranger)
    assert "bukan anggota aktif" in text


def test_it_asks_for_the_member_where_the_programme_needs_one(aid):
    assert "Pilih anggota" in refusal(aid, family(), "pendidikan", amount="375000")


def test_the_same_family_cannot_get_a_house_rehab_twice_through_two_funds(aid, ask):
    home = family()
    first = ask(home, "rtlh", fund=aid.csr)
    text = refusal(aid, home, fund=aid.matra)
    assert "sudah mendapat" in text and first.number in text and "CSR RTLH Kalijambe" in text
    with pytest.raises(DisbursementError, match="sudah mendapat"):
        ask(home, "rtlh", fund=aid.matra)


def test_a_pupil_is_helped_once_per_school_year_whatever_the_fund(aid, ask):
    home = family()
    child = pupil(home, "smp")
    ask(home, "pendidikan", member=child, fund=aid.matra)
    with pytest.raises(DisbursementError, match="tahun ajaran"):
        ask(home, "pendidikan", member=child, fund=aid.infak)


def test_a_rejected_request_does_not_count_for_the_limit(aid, ask):
    from disbursements.services import disbursement_reject

    home = family()
    first = ask(home)
    disbursement_reject(request=first, actor=aid.treasurer, reason="Data rumah belum lengkap")
    assert ask(home).status == DisbursementRequest.Status.SUBMITTED


def test_it_refuses_a_fund_whose_restriction_excludes_the_programme_or_area(aid):
    home = family()
    child = pupil(home, "sd")
    text = refusal(aid, home, "pendidikan", fund=aid.csr, amount="375000", member=child)
    assert "terikat untuk program rtlh" in text
    elsewhere = family(village="33.14.05.2002")
    assert "hanya untuk wilayah 33.14.01" in refusal(aid, elsewhere, fund=aid.csr)


def test_it_refuses_when_the_fund_has_not_enough_money(aid, ask):
    from funds.services import commitment_open

    commitment_open(
        fund=aid.csr,
        amount=D("8000000"),
        reference=None,
        actor=None,
        programme="rtlh",
        area="33.14.01.2001",
    )
    assert "tidak cukup" in refusal(aid, family(), fund=aid.csr)


def test_it_refuses_a_payee_the_programme_does_not_pay(aid):
    assert "dibayarkan kepada" in refusal(aid, family(), payee_kind="school")


def test_the_form_suggests_earmarked_money_for_the_purpose_and_area_first(aid):
    home = family()
    suggested = fund_suggest(programme=aid.p["rtlh"], household=home, amount="5000000")
    assert suggested[0] == aid.csr and aid.matra in suggested
    elsewhere = family(village="33.14.05.2002")
    assert aid.csr not in fund_suggest(programme=aid.p["rtlh"], household=elsewhere)
    child = pupil(home)
    assert aid.csr not in fund_suggest(
        programme=aid.p["pendidikan"], household=child.memberships.get().household
    )


def test_only_a_verifier_or_fund_manager_asks(aid, ask):
    with pytest.raises(DisbursementError, match="verifikator atau pengelola"):
        ask(family(), actor=aid.treasurer)


def test_a_request_records_the_households_desa_and_kecamatan(aid, ask):
    req = ask(family())
    assert (req.desa, req.kecamatan) == ("33.14.01.2001", "33.14.01")
    assert req.number.startswith("PB-") and req.guard_key == f"rtlh:h{req.household_id}"
