"""The CSR pages as the partner and the fund manager use them (services behind short views)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from donors.csr import partner_register, pledge_create, transfer_submit
from donors.models import Partner, Pledge, TransferProof
from tests.donors.csr_fixtures import accepted_cash_pledge, pdf_upload


def test_a_csr_partner_sees_its_panel_instead_of_no_panel(client, partner):
    client.force_login(partner.user)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Belum ada panel" not in page and 'data-testid="panel-csr-partner"' in page
    assert "Terverifikasi" in page


def test_the_fund_manager_verifies_a_company_from_the_csr_page(client, personas):
    company = partner_register(
        user=personas["csr_partner"],
        legal_name="PT Gula",
        npwp="0123456789012345",
        contact_name="Ani",
        document=pdf_upload(),
    )
    client.force_login(personas["fund_manager"])
    assert "PT Gula" in client.get(reverse("donors:csr_home")).content.decode()

    client.post(reverse("donors:partner_verify", args=[company.pk]), {"decision": "approve"})

    company.refresh_from_db()
    assert company.status == Partner.Status.VERIFIED
    document = client.get(reverse("donors:partner_document", args=[company.pk]))
    assert document["Content-Type"] == "application/pdf"
    assert "sandbox" in document["Content-Security-Policy"]


def test_a_partner_drafts_a_pledge_with_a_schedule_typed_the_indonesian_way(client, partner):
    client.force_login(partner.user)
    today = dt.date.today()
    response = client.post(
        reverse("donors:pledge_create"),
        {
            "kind": "cash",
            "title": "Beasiswa",
            "total_amount": "Rp2.500.000",
            "agreement_number": "PKS/9",
            "schedule": f"{today}; 1.000.000\n{today + dt.timedelta(days=30)}; 1.500.000,00",
        },
    )
    pledge = Pledge.objects.get()
    assert response["Location"] == reverse("donors:pledge_detail", args=[pledge.pk])
    assert pledge.total_amount == Decimal("2500000") and pledge.instalments.count() == 2


def test_a_schedule_that_does_not_add_up_is_shown_on_the_form(client, partner):
    client.force_login(partner.user)
    response = client.post(
        reverse("donors:pledge_create"),
        {
            "kind": "cash",
            "title": "Beasiswa",
            "total_amount": "2.500.000",
            "schedule": f"{dt.date.today()}; 1.000.000",
        },
    )
    assert response.status_code == 200
    assert "tidak sama dengan nilai janji" in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_fund_manager_accepts_and_confirms_a_transfer_through_the_pages(
    client, partner, personas, csr_books
):
    pledge = pledge_create(
        partner=partner,
        kind="cash",
        title="Beasiswa",
        total_amount=Decimal("500000"),
        agreement_number="PKS/9",
        schedule=[(dt.date.today(), Decimal("500000"))],
        actor=partner.user,
    )
    client.force_login(partner.user)
    client.post(reverse("donors:pledge_submit", args=[pledge.pk]))
    client.force_login(personas["fund_manager"])
    client.post(reverse("donors:pledge_accept", args=[pledge.pk]), {"fund": csr_books.umum.pk})
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACCEPTED
    transfer = transfer_submit(
        pledge=pledge,
        amount=Decimal("500000"),
        transferred_on=dt.date.today(),
        proof=pdf_upload("bukti.pdf"),
        actor=partner.user,
    )

    client.post(
        reverse("donors:transfer_confirm", args=[transfer.pk]), {"location": csr_books.bank.pk}
    )

    transfer.refresh_from_db()
    assert transfer.status == TransferProof.Status.CONFIRMED
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.FULFILLED


def test_a_treasurer_reads_pledges_but_cannot_accept_them(client, partner, personas, csr_books):
    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    client.force_login(personas["treasurer"])
    assert client.get(reverse("donors:pledge_detail", args=[pledge.pk])).status_code == 200
    assert client.post(reverse("donors:pledge_accept", args=[pledge.pk])).status_code == 403
