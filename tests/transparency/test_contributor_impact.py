"""A contributor sees what the funds they gave to paid for: public figures, nothing personal."""

from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.models import Household, Person
from core.roles import Role
from disbursements.services import disbursement_approve
from donors.models import Donor
from donors.services import gift_record
from funds.models import MoneyLocation
from tests.disbursements import conftest as disbursement_fixtures
from tests.disbursements.conftest import family
from transparency.selectors import contributor_fund_impact

OTHER_VILLAGE = "33.14.01.2002"  # Trobayan, Kalijambe

aid = disbursement_fixtures.aid
ask = disbursement_fixtures.ask
pay_request = disbursement_fixtures.pay


def _approved(aid, req):
    req = disbursement_approve(request=req, actor=aid.treasurer)
    if req.status == req.Status.AWAITING_HEAD:
        req = disbursement_approve(request=req, actor=aid.head)
    return req


@pytest.fixture
def contributor(aid, personas):
    donor = Donor.objects.create(
        kind="individual", name="Ibu Warsini", user=personas[Role.CONTRIBUTOR]
    )
    gift_record(
        donor=donor,
        fund=aid.matra,
        location=MoneyLocation.objects.create(code="kas", name="Kas", kind="cash"),
        amount=Decimal("150000"),
        date=aid.today,
        channel="cash",
        actor=aid.manager,
    )
    return personas[Role.CONTRIBUTOR]


def _panel(client) -> str:
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="fund-impact"' in page
    return page.split('data-testid="fund-impact"')[1].split("</div></div>")[0]


def test_the_contributor_sees_what_their_fund_paid_for_and_only_that_fund(
    aid, ask, pay_request, contributor, login
):
    for _ in range(6):
        pay_request(_approved(aid, ask(family(members=3), "darurat")), "1000000")
    # Money from a fund the contributor never gave to is not theirs to read about.
    pay_request(_approved(aid, ask(family(), "darurat", fund=aid.infak)), "1000000")
    year, impacts = contributor_fund_impact(user=contributor)
    assert year == aid.today.year
    assert [i.code for i in impacts] == ["matra"]
    (matra,) = impacts
    assert matra.given == Decimal("150000") and matra.paid == Decimal("6000000")
    assert matra.households == "6" and matra.kecamatan == ["Kalijambe"]
    panel = _panel(login(contributor))
    assert "MATRA" in panel and "Infak Mitra Kenanga" not in panel
    assert "Rp150.000" in panel and "Rp6.000.000" in panel
    assert "6 rumah tangga" in panel and "Kalijambe" in panel


def test_a_small_count_of_households_is_suppressed_as_on_the_portal(
    aid, ask, pay_request, contributor, login
):
    for _ in range(2):
        pay_request(
            _approved(aid, ask(family(members=2, village=OTHER_VILLAGE), "darurat")), "1000000"
        )
    _year, (matra,) = contributor_fund_impact(user=contributor)
    assert matra.households == "<5"
    assert [p["households"] for p in matra.programmes] == ["<5"]
    panel = _panel(login(contributor))
    assert "&lt;5 rumah tangga" in panel and "2 rumah tangga" not in panel


def test_the_panel_holds_no_personal_data(aid, ask, pay_request, contributor, login):
    for _ in range(6):
        pay_request(_approved(aid, ask(family(members=2), "darurat")), "1000000")
    panel = _panel(login(contributor))
    for person in Person.objects.all():
        assert person.name not in panel and person.nik not in panel
    for home in Household.objects.all():
        assert home.kk_number not in panel
        assert home.street_address not in panel and home.phone not in panel
    assert "Keden" not in panel  # no desa: a desa with a few households points at them
    assert "Toko Bangunan Maju" not in panel  # no payee


def test_houses_rehabilitated_count_and_a_small_count_is_hidden(
    aid, ask, pay_request, personas, login
):
    import io

    from PIL import Image

    from disbursements.models import EvidenceKind
    from disbursements.services import disbursement_close, evidence_add

    donor = Donor.objects.create(kind="company", name="PT Maju", user=personas[Role.CONTRIBUTOR])
    gift_record(
        donor=donor,
        fund=aid.csr,
        location=MoneyLocation.objects.create(code="kas", name="Kas", kind="cash"),
        amount=Decimal("5000000"),
        date=aid.today,
        channel="cash",
        actor=aid.manager,
    )
    req = _approved(aid, ask(family(members=4), "rtlh", fund=aid.csr))
    pay_request(req, "5000000")
    for kind in (
        EvidenceKind.PHOTO_BEFORE,
        EvidenceKind.PHOTO_DURING,
        EvidenceKind.PHOTO_AFTER,
        EvidenceKind.BAST,
    ):
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), "green").save(buf, "PNG")
        buf.seek(0)
        buf.name = "foto.png"
        evidence_add(request=req, kind=kind, upload=buf, actor=aid.verifier)
    disbursement_close(request=req, actor=aid.treasurer)
    _year, (csr,) = contributor_fund_impact(user=personas[Role.CONTRIBUTOR])
    assert [(p["households"], p["houses"]) for p in csr.programmes] == [("<5", "<5")]
    panel = _panel(login(personas[Role.CONTRIBUTOR]))
    assert "&lt;5 rumah selesai direhab" in panel and "1 rumah" not in panel


def test_a_contributor_who_gave_nothing_is_told_what_will_appear(aid, personas, login):
    Donor.objects.create(kind="individual", name="Pak Baru", user=personas[Role.CONTRIBUTOR])
    assert contributor_fund_impact(user=personas[Role.CONTRIBUTOR]) == (None, [])
    panel = _panel(login(personas[Role.CONTRIBUTOR]))
    assert "Setelah sumbangan pertama Anda tercatat" in panel
    assert "MATRA" not in panel


def test_a_contributor_whose_fund_paid_nothing_yet_is_told_so(aid, contributor, login):
    panel = _panel(login(contributor))
    assert "MATRA" in panel and "Belum ada bantuan yang dibayar dari dana ini" in panel
