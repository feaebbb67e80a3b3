"""The impact report shows before/after photos of rehabilitated houses only with consent.

The houses are paid from the pledge's earmarked fund through real disbursement
requests, closed with their photos; the camera's EXIF and GPS must never reach
the report, and nothing personal (names, NIK, KK, street addresses) either.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from beneficiaries.models import Household, Person
from disbursements.models import Evidence
from disbursements.services import disbursement_approve, disbursement_close, evidence_add
from funds.services import contribution_record
from tests.disbursements.conftest import aid, ask, family, pay  # noqa: F401 - fixtures
from tests.donors.csr_fixtures import accepted_cash_pledge

TODAY = dt.date.today()


def camera_photo(colour: str, size=(1600, 1200)) -> io.BytesIO:
    """A JPEG as a phone writes it: large, with EXIF and a GPS position."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # make
    gps = {1: "S", 2: (7.0, 25.0, 12.0), 3: "E", 4: (110.0, 59.0, 30.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes(), quality=95)
    buf.seek(0)
    buf.name = "rumah.jpg"
    return buf


def closed_rehab(aid, ask, pay, fund, *, consent: bool, colour: str):  # noqa: F811
    req = ask(family(), "rtlh", fund=fund, photos_consent=consent, publication_consent=consent)
    req = disbursement_approve(request=req, actor=aid.treasurer)
    if req.status == "awaiting_head":
        req = disbursement_approve(request=req, actor=aid.head)
    pay(req, "5.000.000")
    for kind, shade in (
        ("photo_before", colour),
        ("photo_during", "gray"),
        ("photo_after", f"dark{colour}"),
    ):
        evidence_add(request=req, kind=kind, upload=camera_photo(shade), actor=aid.verifier)
    evidence_add(request=req, kind="bast", upload=camera_photo("white"), actor=aid.treasurer)
    return disbursement_close(request=req, actor=aid.treasurer)


@pytest.fixture
def rehab_pledge(aid, ask, pay, partner, personas):  # noqa: F811
    """An RTLH pledge for Kalijambe that paid two houses: one family consented, one did not."""
    pledge = accepted_cash_pledge(
        partner,
        personas,
        total="10000000",
        schedule=[(TODAY, Decimal("10000000"))],
        programme="rtlh",
        area="33.14.01",
        title="RTLH Kalijambe",
    )
    contribution_record(
        fund=pledge.fund,
        location=aid.bank,
        amount=Decimal("10000000"),
        date=TODAY,
        description="Transfer CSR",
        reference=None,
        actor=personas["fund_manager"],
    )
    consented = closed_rehab(aid, ask, pay, pledge.fund, consent=True, colour="green")
    refused = closed_rehab(aid, ask, pay, pledge.fund, consent=False, colour="blue")
    return pledge, consented, refused


def _photo_ids(req):
    return set(
        Evidence.objects.filter(request=req, kind__in=["photo_before", "photo_after"]).values_list(
            "pk", flat=True
        )
    )


def _identities() -> set[str]:
    found: set[str] = set()
    for home in Household.objects.all():
        found |= {home.kk_number, home.street_address, home.phone}
    for person in Person.objects.all():
        found |= {person.nik, person.name, person.health_notes}
    return {v.strip() for v in found if v and len(v.strip()) >= 6}


def test_the_report_shows_photos_only_of_the_house_whose_family_consented(
    client, rehab_pledge, partner
):
    pledge, consented, refused = rehab_pledge
    client.force_login(partner.user)

    page = client.get(reverse("donors:pledge_report", args=[pledge.pk])).content.decode()

    for evidence_id in _photo_ids(consented):
        url = reverse("donors:impact_photo", args=[pledge.pk, evidence_id])
        assert url in page
        assert client.get(url).status_code == 200
    for evidence_id in _photo_ids(refused):
        url = reverse("donors:impact_photo", args=[pledge.pk, evidence_id])
        assert url not in page
        assert client.get(url).status_code == 404
    # A photo that is not a before/after one (the BAST) is never served either.
    bast = Evidence.objects.get(request=consented, kind="bast")
    assert client.get(reverse("donors:impact_photo", args=[pledge.pk, bast.pk])).status_code == 404
    assert "Keden" in page  # the desa, by name


def test_a_served_photo_is_small_and_carries_no_exif_or_gps(client, rehab_pledge, partner):
    pledge, consented, _ = rehab_pledge
    client.force_login(partner.user)
    evidence_id = min(_photo_ids(consented))

    response = client.get(reverse("donors:impact_photo", args=[pledge.pk, evidence_id]))

    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert max(image.size) <= 480
    assert not image.getexif() and "exif" not in image.info
    assert b"KameraHP" not in response.content


def test_the_pdf_embeds_small_re_encoded_photos_without_exif_or_gps(client, rehab_pledge, partner):
    pledge, _, _ = rehab_pledge
    client.force_login(partner.user)

    pdf = client.get(reverse("donors:pledge_report", args=[pledge.pk]) + "?format=pdf")

    reader = PdfReader(io.BytesIO(pdf.content))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 2  # before and after of the consenting family's house only
    for embedded in images:
        image = Image.open(io.BytesIO(embedded.data))
        assert max(image.size) <= 480
        assert not image.getexif()
    assert b"KameraHP" not in pdf.content
    assert len(pdf.content) < 300_000
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "sebelum dan sesudah" in text.lower() and "Keden" in text


def test_the_partner_report_with_photos_holds_no_personal_data(client, rehab_pledge, partner):
    identities = _identities()
    assert len(identities) >= 8  # names, NIK, KK and addresses of the two families
    client.force_login(partner.user)
    outputs = {}
    for url in (
        reverse("donors:pledge_report", args=[rehab_pledge[0].pk]),
        reverse("donors:partner_report", args=[partner.pk]),
    ):
        outputs[url] = client.get(url).content.decode()
        pdf = client.get(url + "?format=pdf").content
        outputs[url + "?format=pdf"] = "\n".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages
        )
    assert "impact-photos" in outputs[reverse("donors:partner_report", args=[partner.pk])]
    for url, text in outputs.items():
        leaked = sorted(value for value in identities if value in text)
        assert not leaked, f"{url} shows {leaked[:5]}"


def test_another_partner_cannot_reach_the_photos(client, rehab_pledge, personas):
    from tests.conftest import make_user

    pledge, consented, _ = rehab_pledge
    client.force_login(make_user("csr.lain@uji.test", ["csr_partner"]))
    evidence_id = min(_photo_ids(consented))
    assert (
        client.get(reverse("donors:impact_photo", args=[pledge.pk, evidence_id])).status_code == 404
    )


def test_a_photo_removed_under_its_retention_leaves_the_report_whole(client, rehab_pledge, partner):
    from core.uploads import stored_file_delete
    from disbursements.models import Evidence

    pledge, consented, _ = rehab_pledge
    evidence_id = min(_photo_ids(consented))
    stored_file_delete(stored=Evidence.objects.get(pk=evidence_id).stored)
    client.force_login(partner.user)

    photo = client.get(reverse("donors:impact_photo", args=[pledge.pk, evidence_id]))
    pdf = client.get(reverse("donors:pledge_report", args=[pledge.pk]) + "?format=pdf")

    assert photo.status_code == 404
    assert pdf.status_code == 200
    images = [img for page in PdfReader(io.BytesIO(pdf.content)).pages for img in page.images]
    assert len(images) == 1  # the other photo of the pair is still shown
