"""A company signs up, pledges, pays by card on localstripe's Stripe.js stand-in, sees its receipt.

Everything real but Stripe: Kenanga's pages in Chromium, the real stripe library,
and localstripe signing and delivering the webhook to the live server.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.donors.csr_fixtures import PDF, WEBHOOK_PATH, localstripe_webhook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_signs_up_pledges_pays_by_card_and_sees_its_receipt(
    live_server, page, tmp_path, stripe_env
):
    from core.demo import seed_organisation
    from donors.csr import partner_verify, pledge_accept
    from donors.models import OnlinePayment, Partner, Pledge, Receipt
    from funds.models import Account, Fund, MoneyLocation
    from funds.verify import ledger_verify
    from tests.conftest import make_user

    seed_organisation()
    fund = Fund.objects.create(code="csr-umum", name="Dana CSR umum")
    gateway = MoneyLocation.objects.create(code="stripe", name="Saldo Stripe", kind="gateway")
    manager = make_user("sri.pengelola@uji.test", ["fund_manager"])
    localstripe_webhook(stripe_env.url, live_server.url + WEBHOOK_PATH)
    deed = tmp_path / "akta.pdf"
    deed.write_bytes(PDF)

    # 1. The company signs up on the partner page.
    page.goto(live_server.url + "/donatur/mitra/daftar/")
    page.fill("#id_email", "csr@semen.test")
    page.fill("#id_password1", "Rahasia-uji-123")
    page.fill("#id_password2", "Rahasia-uji-123")
    page.fill("#id_legal_name", "PT Semen Gresik Tbk")
    page.fill("#id_npwp", "01.234.567.8-901.000")
    page.fill("#id_contact_name", "Dewi Lestari")
    page.set_input_files("#id_document", str(deed))
    page.get_by_test_id("signup-submit").click()
    page.wait_for_url(re.compile(r"/donatur/mitra/$"))
    assert page.get_by_test_id("partner-status").inner_text() == "Menunggu verifikasi"

    partner = Partner.objects.get(legal_name="PT Semen Gresik Tbk")
    partner_verify(partner=partner, approve=True, actor=manager)

    # 2. It pledges Rp 2.000.000 in two instalments and submits the pledge.
    page.get_by_test_id("new-pledge").click()
    page.select_option("#id_kind", "cash")
    page.fill("#id_title", "Beasiswa SMP 2027")
    page.fill("#id_total_amount", "2.000.000")
    page.fill("#id_agreement_number", "PKS/012/CSR/XI/2026")
    today = dt.date.today()
    page.fill(
        "#id_schedule",
        f"{today.isoformat()}; 1.500.000\n{(today + dt.timedelta(days=90)).isoformat()}; 500.000",
    )
    page.get_by_role("button", name="Simpan").click()
    page.get_by_test_id("submit-pledge").click()
    assert page.get_by_test_id("pledge-status").inner_text() == "Diajukan"
    pledge = Pledge.objects.get(title="Beasiswa SMP 2027")
    pledge_accept(pledge=pledge, fund=fund, actor=manager)

    # 3. It pays the first instalment by card (a 3-D Secure card) on Kenanga's own page.
    page.reload()
    page.fill("#id_amount", "1.500.000")
    page.get_by_test_id("pay-card").click()
    page.wait_for_url(re.compile(r"/donatur/bayar/"))
    card = page.get_by_test_id("card-element")
    card.get_by_placeholder("number").fill("4000002760003184")
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("30")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("57211")
    page.get_by_test_id("card-pay").click()
    page.get_by_role("button", name="Complete authentication").click()

    # 4. The webhook from Stripe books it; the page shows the receipt.
    receipt_link = page.get_by_test_id("payment-receipt").get_by_role("link")
    receipt_link.wait_for(timeout=30_000)
    assert page.get_by_test_id("payment-state").inner_text() == "Berhasil"
    receipt = Receipt.objects.get()
    assert receipt_link.inner_text() == receipt.code
    payment = OnlinePayment.objects.get()
    assert payment.status == OnlinePayment.Status.SUCCEEDED
    assert Account.objects.get(location=gateway).balance == 1_500_000
    pledge.refresh_from_db()
    assert pledge.received_amount == 1_500_000 and pledge.status == "partly_fulfilled"
    receipt_link.click()
    page.wait_for_url(re.compile(r"/donatur/cek/"))
    assert "1.500.000" in page.content()
    assert ledger_verify() == []
