"""Households, people and houses helped come from real disbursements, small cells hidden."""

import datetime as dt
import io

from PIL import Image

from disbursements.models import EvidenceKind
from disbursements.services import disbursement_approve, disbursement_close, evidence_add
from tests.disbursements import conftest as disbursement_fixtures
from tests.disbursements.conftest import family
from transparency.figures import report_build
from transparency.periods import Period

OTHER_VILLAGE = "33.14.01.2002"  # Trobayan, Kalijambe

# The disbursements tests' own set-up: funds with money, households with cards.
aid = disbursement_fixtures.aid
ask = disbursement_fixtures.ask
pay_request = disbursement_fixtures.pay


def _approved(aid, req):
    req = disbursement_approve(request=req, actor=aid.treasurer)
    if req.status == req.Status.AWAITING_HEAD:
        req = disbursement_approve(request=req, actor=aid.head)
    return req


def _photo():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, "PNG")
    buf.seek(0)
    buf.name = "foto.png"
    return buf


def _month(aid) -> Period:
    return Period("month", aid.today.year, aid.today.month)


def test_households_and_people_are_counted_and_a_small_desa_is_hidden(aid, ask, pay_request):
    for _ in range(6):
        pay_request(_approved(aid, ask(family(members=3), "darurat")), "1000000")
    for _ in range(2):
        pay_request(
            _approved(aid, ask(family(members=2, village=OTHER_VILLAGE), "darurat")), "1000000"
        )
    figures = report_build(period=_month(aid))["aid"]
    assert figures["available"] is True
    assert figures["households"] == "8" and figures["persons"] == "22"
    desa = {r["desa"]: r for r in figures["by_desa"]}
    assert desa["Trobayan"]["households"] == "<5"
    # 8 - 6 would give Trobayan's 2 back, so Keden is hidden too.
    assert desa["Keden"]["households"] == "*"
    assert desa["Keden"]["kecamatan"] == "Kalijambe"
    assert figures["by_programme"][0]["households"] == "8"


def test_a_completed_house_shows_initials_only_with_consent(aid, ask, pay_request):
    home = family(members=4)
    req = _approved(
        aid, ask(home, "rtlh", fund=aid.csr, publication_consent=True, photos_consent=True)
    )
    pay_request(req, "5000000")
    for kind in (
        EvidenceKind.PHOTO_BEFORE,
        EvidenceKind.PHOTO_DURING,
        EvidenceKind.PHOTO_AFTER,
        EvidenceKind.BAST,
    ):
        evidence_add(request=req, kind=kind, upload=_photo(), actor=aid.verifier)
    disbursement_close(request=req, actor=aid.treasurer)
    figures = report_build(period=_month(aid))
    rehabs = figures["aid"]["rehabs"]
    assert rehabs == [
        {
            "kecamatan": "Kalijambe",
            "desa": "Keden",
            "completed_on": aid.today.isoformat(),
            "initials": "W***",
        }
    ]
    assert figures["aid"]["houses"] == "<5"
    assert figures["aid"]["by_desa"][0]["houses"] == "<5"
    # The money side of the same payment, from the ledger.
    rtlh = next(p for p in figures["programmes"] if p["programme"] == "rtlh")
    assert rtlh["amount"] == "5000000.00"


def test_without_disbursements_the_report_says_none_were_counted(aid):
    figures = report_build(period=Period("month", 2015, 5))
    assert figures["aid"]["households"] == "0"
    assert dt.date.fromisoformat(figures["period"]["end"]) == dt.date(2015, 5, 31)


def test_a_payment_order_is_checked_by_number_or_by_its_qr_code(aid, ask, client):
    from django.urls import reverse

    req = _approved(aid, ask(family(members=2), "darurat"))
    url = reverse("transparency:document_check")
    html = client.get(url, {"number": req.number}).content.decode()
    assert "tercatat dan sah" in html and "Warga" not in html
    response = client.get(url, {"number": req.check_token})
    assert response.status_code == 302
    assert response["Location"] == reverse("disbursements:public_check", args=[req.check_token])
