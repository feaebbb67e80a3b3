"""A contributor's statement: years from the first gift, never empty, checkable by anyone."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.roles import Role
from donors.models import Donor
from donors.selectors import (
    donor_statement,
    donor_statement_code,
    donor_statement_state_by_code,
    donor_statement_years,
)
from donors.services import contribution_reverse, gift_record
from funds.models import Fund, MoneyLocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(personas):
    fund = Fund.objects.create(code="matra", name="MATRA")
    kas = MoneyLocation.objects.create(code="kas", name="Kas", kind="cash")
    me = Donor.objects.create(
        kind="individual", name="Ibu Warsini", user=personas[Role.CONTRIBUTOR]
    )
    return fund, kas, me, personas[Role.FUND_MANAGER]


def _give(books, year: int, amount: str = "100000"):
    fund, kas, me, manager = books
    return gift_record(
        donor=me,
        fund=fund,
        location=kas,
        amount=Decimal(amount),
        date=dt.date(year, 3, 1),
        channel="cash",
        actor=manager,
    )


def _text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_the_years_offered_run_from_the_first_gift_to_now(books):
    _give(books, 2024)
    this_year = timezone.localdate().year
    years = donor_statement_years(donor=books[2])
    assert [y["year"] for y in years] == list(range(this_year, 2023, -1))
    assert {y["year"]: y["printable"] for y in years}[2024] is True
    # A year between without a gift is listed, but not as a statement to print.
    assert {y["year"]: y["printable"] for y in years}[2025] is False


def test_a_donor_who_gave_nothing_gets_no_statement_but_a_clear_message(books, login):
    _fund, _kas, me, _manager = books
    client = login(me.user)
    response = client.get(reverse("donors:statement_pdf", args=[me.pk]), {"tahun": "2025"})
    assert response.status_code == 302 and response["Location"] == reverse("donors:my")
    page = client.get(response["Location"]).content.decode()
    assert "belum ada sumbangan tercatat" in page
    assert "Belum ada sumbangan tercatat atas nama Anda." in page
    assert "?tahun=" not in page  # no statement link at all


def test_a_year_without_gifts_is_refused_and_the_printable_years_are_named(books, login):
    _give(books, 2024)
    _fund, _kas, me, manager = books
    client = login(manager)
    response = client.get(reverse("donors:statement_pdf", args=[me.pk]), {"tahun": "2019"})
    assert response.status_code == 302
    assert response["Content-Type"] != "application/pdf"
    page = client.get(response["Location"]).content.decode()
    assert "Rekap tahun 2019 tidak dicetak" in page and "2024" in page
    detail = client.get(reverse("donors:donor_detail", args=[me.pk])).content.decode()
    years = detail.split('data-testid="statement-years"')[1].split("</div>")[0]
    assert "?tahun=2024" in years and "?tahun=2023" not in years and "?tahun=2025" not in years


def test_the_statement_carries_a_qr_code_to_the_public_document_check(
    books, login, client, settings
):
    settings.SITE_URL = "https://kenanga.sragenkab.go.id"
    gift = _give(books, 2024, "250000")
    _fund, _kas, me, manager = books
    response = login(me.user).get(reverse("donors:statement_pdf", args=[me.pk]), {"tahun": 2024})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'rekap-sumbangan-{me.pk}-2024.pdf"')
    flat = "".join(_text(response.content).split())  # the code may wrap under the QR code
    code = re.search(r"Cekkeaslian:(RS-2024-\d+-[0-9A-F]{12})", flat).group(1)
    assert code == donor_statement_code(donor_statement(donor=me, year=2024))
    client.logout()
    check = client.get(reverse("transparency:document_check"), {"number": code})
    assert check.status_code == 200
    body = check.content.decode()
    assert "Dokumen ini tercatat dan sah." in body
    assert "Ibu Warsini" not in body and "250.000" not in body  # nothing about the donor
    # Once the gift is cancelled the paper no longer matches the books.
    contribution_reverse(contribution=gift, reason="Salah catat", actor=manager)
    assert donor_statement_state_by_code(code=code) is None
    _give(books, 2024, "100000")
    assert donor_statement_state_by_code(code=code) is None
    forged = f"RS-2024-{me.pk}-ABCDEF123456"
    assert donor_statement_state_by_code(code=forged) is None


@pytest.mark.parametrize(
    "code", ["RS-2024-1", "RS-20x4-1-ABCDEF123456", "RS-2024-999999-ABCDEF123456", "TTS-1-2-3", ""]
)
def test_a_malformed_or_unknown_statement_code_is_not_known(books, code):
    _give(books, 2024)
    assert donor_statement_state_by_code(code=code) is None
