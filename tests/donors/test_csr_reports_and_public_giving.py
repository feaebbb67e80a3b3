"""Impact reports (page and PDF, no personal data) and the public giving page (PUB permit only)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import Organisation
from donors.csr import transfer_confirm, transfer_submit
from donors.models import Donor, OnlinePayment
from funds.services import payment_record
from tests.donors.csr_fixtures import (
    accepted_cash_pledge,
    deliver,
    event,
    paid_at_localstripe,
    pdf_upload,
    sign,
)

TODAY = dt.date.today()


@pytest.fixture
def rtlh_pledge(partner, personas, csr_books):
    """An earmarked RTLH pledge, paid by transfer, that paid for two houses in one village."""
    pledge = accepted_cash_pledge(
        partner,
        personas,
        total="10000000",
        schedule=[(TODAY, Decimal("10000000"))],
        programme="rtlh",
        area="33.14.05",
        title="RTLH Sambirejo",
    )
    transfer = transfer_submit(
        pledge=pledge,
        amount=Decimal("10000000"),
        transferred_on=TODAY,
        proof=pdf_upload("bukti.pdf"),
        actor=partner.user,
    )
    transfer_confirm(transfer=transfer, location=csr_books.bank, actor=personas["fund_manager"])
    for house in range(2):
        payment_record(
            fund=pledge.fund,
            location=csr_books.bank,
            amount=Decimal("5000000"),
            date=TODAY,
            description=f"RTLH rumah {house + 1}",
            reference=None,
            actor=personas["treasurer"],
            programme="rtlh",
            area="33.14.05.2001",
        )
    pledge.refresh_from_db()
    return pledge


def test_the_earmarked_fund_refuses_to_pay_another_programme(rtlh_pledge, csr_books, personas):
    from funds.errors import LedgerError

    with pytest.raises(LedgerError, match="terikat"):
        payment_record(
            fund=rtlh_pledge.fund,
            location=csr_books.bank,
            amount=Decimal("1"),
            date=TODAY,
            description="x",
            reference=None,
            actor=personas["treasurer"],
            programme="pendidikan",
            area="33.14.05.2001",
        )


def test_the_partner_reads_where_its_money_went_as_a_page_and_a_pdf(client, rtlh_pledge, partner):
    client.force_login(partner.user)
    url = reverse("donors:pledge_report", args=[rtlh_pledge.pk])

    page = client.get(url).content.decode()
    pdf = client.get(url + "?format=pdf")

    assert "Rp10.000.000" in page and "33.14.05.2001" in page
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "LAPORAN DAMPAK SUMBANGAN CSR" in text and "PT Semen Gresik Tbk" in text
    assert "Rumah direhabilitasi (RTLH) 2" in text
    assert "Rp10.000.000" in text
    assert "tidak memuat data pribadi" in text


def test_the_partner_report_adds_up_every_pledge(client, rtlh_pledge, partner):
    client.force_login(partner.user)
    pdf = client.get(reverse("donors:partner_report", args=[partner.pk]) + "?format=pdf")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Semua janji" in text and "Disalurkan dari dana terikat Rp10.000.000" in text


# --- public giving -------------------------------------------------------------------------------
@pytest.fixture
def giving(settings, stripe_env, csr_books, org):
    settings.PUBLIC_GIVING_FUND = "donasi-publik"
    Organisation.objects.filter(pk=org.pk).update(pub_permit_number="460/123/PUB/2026")
    return csr_books


def test_without_a_pub_permit_there_is_no_giving_form(client, stripe_env, csr_books, settings, org):
    settings.PUBLIC_GIVING_FUND = "donasi-publik"
    response = client.get(reverse("donors:public_giving"))
    assert (
        b"giving-closed" in response.content
        and b"<form" not in response.content.split(b"<main")[-1]
    )
    assert client.post(reverse("donors:public_giving"), {"amount": "50.000"}).status_code == 200
    assert not OnlinePayment.objects.exists()


def test_the_giving_page_shows_the_pub_permit_and_refuses_small_amounts(client, giving):
    page = client.get(reverse("donors:public_giving")).content.decode()
    assert "460/123/PUB/2026" in page

    response = client.post(reverse("donors:public_giving"), {"amount": "5.000"})

    assert "paling sedikit" in response.content.decode()
    assert not OnlinePayment.objects.exists()


@pytest.mark.parametrize("show_name, shown", [(False, "Hamba Allah"), (True, "Rina Wulandari")])
def test_a_public_gift_gets_a_receipt_and_is_anonymous_unless_named(
    client, giving, show_name, shown
):
    data = {"name": "Rina Wulandari", "email": "rina@warga.test", "amount": "50.000"}
    if show_name:
        data["show_name"] = "on"
    response = client.post(reverse("donors:public_giving"), data)
    payment = OnlinePayment.objects.get()
    assert response["Location"] == reverse("donors:payment_page", args=[payment.token])
    paid_at_localstripe(payment)
    body = event("payment_intent.succeeded", {"id": payment.payment_intent_id})

    deliver(client, body, sign(body))

    payment.refresh_from_db()
    assert payment.contribution.receipt.status == "valid"
    assert payment.fund == giving.publik
    assert Donor.objects.get().public_name == shown
    status = client.get(reverse("donors:payment_api", args=[payment.token])).json()
    assert (
        status["status"] == "succeeded" and status["receipt"] == payment.contribution.receipt.code
    )
