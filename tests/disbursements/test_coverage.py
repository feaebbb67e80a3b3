"""Coverage per desa: every figure against a village counted by hand, and the area filter."""

from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.models import Person
from disbursements.models import DisbursementRequest
from disbursements.selectors import coverage_by_desa
from disbursements.services import disbursement_approve, disbursement_reverse
from tests.disbursements.conftest import family

D = Decimal
S = DisbursementRequest.Status
KEDEN, TROBAYAN, KARANGWARU = "33.14.01.2001", "33.14.01.2002", "33.14.02.2001"


def approved(aid, req):
    req = disbursement_approve(request=req, actor=aid.treasurer)
    if req.status == S.AWAITING_HEAD:
        req = disbursement_approve(request=req, actor=aid.head)
    return req


@pytest.fixture
def villages(aid, ask, pay):
    """Three villages in two kecamatan, with every case the page must tell apart.

    Keden: 6 eligible households (one with a card and a letter, one with a letter
    only); 2 served (one paid twice on two requests, one part-paid in two stages);
    one approved and not paid, one paid and reversed; 1 household without a
    valid card or letter, which is not counted. Trobayan: 1 eligible, nothing
    paid. Karangwaru (another kecamatan): 1 eligible, paid.
    """
    twice, staged, waiting, reversed_ = family(), family(), family(), family()
    family(letter=True)  # unserved, a card and a letter: one household
    family(card=False, letter=True)  # unserved, covered by a letter only
    family(valid=False)  # its card has expired: not eligible
    pay(approved(aid, ask(twice, "darurat")), "1000000")
    patient = Person.objects.filter(memberships__household=twice).first()
    pay(approved(aid, ask(twice, "kesehatan", member=patient)), "1200000")
    stages = approved(aid, ask(staged, "rtlh"))
    pay(stages, "2000000")
    pay(stages, "1000000")
    approved(aid, ask(waiting, "darurat"))
    gone = approved(aid, ask(reversed_, "darurat", amount="700000"))
    pay(gone, "700000")
    disbursement_reverse(request=gone, actor=aid.treasurer, reason="Salah penerima")
    family(village=TROBAYAN)
    pay(approved(aid, ask(family(village=KARANGWARU), "darurat")), "1000000")
    return aid


KEDEN_ROW = {
    "desa": KEDEN,
    "desa_name": "Keden",
    "kecamatan_name": "Kalijambe",
    "eligible": 6,
    "unserved": 4,
    "served": 2,
    "amount": D("5200000"),
    "households_paid": 2,
}
TROBAYAN_ROW = {
    "desa": TROBAYAN,
    "desa_name": "Trobayan",
    "kecamatan_name": "Kalijambe",
    "eligible": 1,
    "unserved": 1,
    "served": 0,
    "amount": D("0"),
    "households_paid": 0,
}
KARANGWARU_ROW = {
    "desa": KARANGWARU,
    "desa_name": "Karangwaru",
    "kecamatan_name": "Plupuh",
    "eligible": 1,
    "unserved": 0,
    "served": 1,
    "amount": D("1000000"),
    "households_paid": 1,
}


def test_each_village_shows_the_figures_counted_by_hand(villages):
    assert coverage_by_desa() == [KEDEN_ROW, TROBAYAN_ROW, KARANGWARU_ROW]


@pytest.mark.parametrize(
    "prefix, rows",
    [
        ("33.14.01", [KEDEN_ROW, TROBAYAN_ROW]),
        ("33.14.02", [KARANGWARU_ROW]),
        (KEDEN, [KEDEN_ROW]),
        ("33", [KEDEN_ROW, TROBAYAN_ROW, KARANGWARU_ROW]),
    ],
)
def test_the_area_prefix_keeps_its_villages_and_their_payments_only(villages, prefix, rows):
    assert coverage_by_desa(prefix=prefix) == rows


@pytest.mark.parametrize(
    "prefix", ["99", "33.14.09", "%", "_", "33.14.0_", "33.14.01.200%", "33_14", "'; --"]
)
def test_a_prefix_that_matches_no_village_shows_nothing(villages, prefix):
    assert coverage_by_desa(prefix=prefix) == []


def test_an_empty_registry_shows_no_village(aid):
    assert coverage_by_desa() == []


def without_households_paid(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "households_paid"}


def test_leaving_out_the_households_paid_changes_no_other_figure(villages):
    rows = coverage_by_desa(households_paid=False)
    assert rows == [without_households_paid(r) for r in (KEDEN_ROW, TROBAYAN_ROW, KARANGWARU_ROW)]
    assert coverage_by_desa(prefix="%", households_paid=False) == []


def test_the_page_shows_the_counted_figures_and_filters_by_the_prefix(villages, login):
    client = login(villages.head)
    page = client.get(reverse("disbursements:coverage"), {"wilayah": "33.14.01"})
    shown = [without_households_paid(r) for r in (KEDEN_ROW, TROBAYAN_ROW)]
    assert list(page.context["table"].data.data) == shown
    html = page.content.decode()
    assert "Keden" in html and "Trobayan" in html and "Karangwaru" not in html
    keden = html[html.index('data-label="Kode desa">33.14.01.2001<') :].split("</tr>")[0]
    assert 'data-label="Rumah tangga layak">6</td>' in keden
    assert 'data-label="Sudah dibantu">2</td>' in keden
    assert '<a href="?desa=33.14.01.2001#belum">4</a>' in keden
    assert 'data-kind="money">Rp5.200.000</td>' in keden
    assert 'href="?wilayah=33.14.01&amp;export=csv"' in html
    for prefix in ("%", "33.14.0_"):
        empty = client.get(reverse("disbursements:coverage"), {"wilayah": prefix})
        assert empty.status_code == 200 and list(empty.context["table"].data.data) == []


def test_the_export_links_carry_an_odd_prefix_as_typed(villages, login):
    client = login(villages.head)
    html = client.get(reverse("disbursements:coverage"), {"wilayah": "33%&x"}).content.decode()
    assert 'href="?wilayah=33%25%26x&amp;export=csv"' in html
    export = client.get(reverse("disbursements:coverage"), {"wilayah": "33%&x", "export": "csv"})
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert export.status_code == 200 and KEDEN.encode() not in body
