"""Official documents look like the paper a regency office signs, in Indonesian whatever the screen."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.platypus import HRFlowable

from core.pdf import letterhead, pdf_response, place_and_date
from core.roles import Role

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Dashboard" in client.get(reverse("core:dashboard")).content.decode()


def test_a_receipt_printed_from_an_english_screen_is_in_indonesian(personas, login):
    from donors.models import Donor
    from donors.services import gift_record
    from funds.models import Fund, MoneyLocation

    gift = gift_record(
        donor=Donor.objects.create(kind="individual", name="Ibu Warsini"),
        fund=Fund.objects.create(code="infak", name="Infak"),
        location=MoneyLocation.objects.create(code="kas", name="Kas", kind="cash"),
        amount=Decimal("100000"),
        date=dt.date(2025, 12, 1),
        channel="cash",
        actor=personas[Role.FUND_MANAGER],
    )
    client = login(personas[Role.FUND_MANAGER])
    _english(client)
    text = _text(client.get(reverse("donors:receipt_pdf", args=[gift.receipt.pk])))
    assert "Sragen, 1 Desember 2025" in text
    assert "Tunai di loket" in text
    assert "December" not in text and "Cash at the desk" not in text


def test_the_emergency_letter_has_addressee_subject_and_the_verifiers_description(personas, login):
    from beneficiaries.services import letter_issue
    from tests.beneficiaries import factories

    letter = letter_issue(
        household=factories.household(),
        reason="illness",
        description="Kepala keluarga dirawat di RSUD setelah kecelakaan kerja.",
        addressee="Direktur RSUD dr. Soehadi Prijonegoro",
        actor=personas[Role.HEAD],
        on=dt.date(2026, 12, 1),
    )
    client = login(personas[Role.HEAD])
    _english(client)
    text = _text(client.get(reverse("beneficiaries:letter_pdf", args=[letter.pk])))
    assert "Kepada Yth." in text and "Direktur RSUD dr. Soehadi Prijonegoro" in text
    assert "Perihal" in text and "Rekomendasi Bantuan Keadaan Darurat" in text
    assert "dirawat di RSUD setelah kecelakaan kerja" in text
    assert "Sragen, 1 Desember 2026" in text
    assert "Sakit darurat" in text


def test_a_letter_without_addressee_is_addressed_to_the_helping_body(personas):
    from beneficiaries.services import letter_issue
    from tests.beneficiaries import factories

    letter = letter_issue(
        household=factories.household(),
        reason="disaster",
        description="Rumah terbakar.",
        actor=personas[Role.HEAD],
    )
    assert letter.addressee == "Pimpinan Instansi/Lembaga Pemberi Bantuan"


def test_the_letterhead_ends_in_the_customary_double_rule(org):
    rules = [f for f in letterhead(org) if isinstance(f, HRFlowable)]
    assert [r.lineWidth for r in rules] == [2, 0.6]


def test_the_place_comes_before_the_date(org):
    assert place_and_date(org, dt.date(2026, 12, 1)) == "Sragen, 1 Desember 2026"
    org.city = ""
    assert place_and_date(org, dt.date(2026, 12, 1)) == "1 Desember 2026"


def test_a_document_file_name_ends_in_one_pdf():
    assert pdf_response(b"%PDF", "laporan.pdf")["Content-Disposition"] == (
        'inline; filename="laporan.pdf"'
    )
    assert pdf_response(b"%PDF", "kartu")["Content-Disposition"] == 'inline; filename="kartu.pdf"'


def test_the_financial_statements_qr_leads_to_a_public_page_not_a_login(settings, client):
    from core.links import public_url

    settings.SITE_URL = "https://kenanga.sragenkab.go.id"
    url = public_url("transparency:document_check", query="number=" + "a" * 64)
    assert url.startswith("https://kenanga.sragenkab.go.id/transparansi/dokumen/?number=")
    assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 200


def test_qr_addresses_use_the_configured_site_address_not_the_request(settings, personas, login):
    from beneficiaries.services import letter_issue
    from tests.beneficiaries import factories

    settings.SITE_URL = "https://kenanga.sragenkab.go.id"
    letter = letter_issue(
        household=factories.household(),
        reason="disaster",
        description="Banjir.",
        actor=personas[Role.HEAD],
    )
    from core.links import site_url

    assert site_url(reverse("beneficiaries:check", args=[letter.check_token])).startswith(
        "https://kenanga.sragenkab.go.id/rumah-tangga/cek/"
    )


def test_the_household_card_is_an_id1_card_front_and_back_with_its_members(personas):
    from beneficiaries.models import Grade
    from beneficiaries.pdfs import CARD_H, CARD_W, cards_pdf
    from beneficiaries.services import card_issue
    from tests.beneficiaries import factories

    assert (round(CARD_W / 2.834645669, 1), round(CARD_H / 2.834645669, 1)) == (85.6, 54.0)
    cards = [
        (
            card_issue(
                household=factories.household(members=3),
                grade=Grade.POOR,
                actor=personas[Role.HEAD],
            ),
            "https://x/cek/1/",
        )
        for _ in range(5)
    ]
    reader = PdfReader(io.BytesIO(cards_pdf(cards)))
    assert len(reader.pages) == 2  # four cards to an A4 sheet
    assert round(float(reader.pages[0].mediabox.height)) == 842  # A4
    text = reader.pages[0].extract_text()
    assert "ANGGOTA KELUARGA" in text and "Warga 2" in text and "Warga 3" in text
    assert "KARTU KELUARGA MISKIN" in text


def test_the_financial_statements_are_a_roomy_landscape_pdf_named_once(personas, login):
    response = login(personas[Role.HEAD]).get(reverse("funds:statements_pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.pdf"')
    assert ".pdf.pdf" not in response["Content-Disposition"]
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
