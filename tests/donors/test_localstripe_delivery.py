"""localstripe itself signs and delivers the webhook to a live Kenanga (no hand-made events)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests
from django.urls import reverse

from tests.donors.csr_fixtures import WEBHOOK_PATH, localstripe_webhook, paid_at_localstripe

pytestmark = pytest.mark.django_db(transaction=True)


def test_localstripe_delivers_a_signed_success_that_books_the_gift(
    live_server, stripe_env, personas, partner, csr_books
):
    from donors.models import OnlinePayment, Receipt
    from donors.payments import online_payment_start
    from funds.verify import ledger_verify
    from tests.donors.csr_fixtures import accepted_cash_pledge

    localstripe_webhook(stripe_env.url, live_server.url + WEBHOOK_PATH)
    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    payment = online_payment_start(
        donor=partner.donor, fund=None, amount=Decimal("750000"), pledge=pledge, actor=partner.user
    )

    paid_at_localstripe(payment)

    # localstripe sends the event about a second later, from its own process; ask the
    # page's status URL as the browser does.
    status_url = live_server.url + reverse("donors:payment_api", args=[payment.token])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answer = requests.get(status_url, timeout=5)
        # On SQLite's shared in-memory test database a read during the booking may be
        # refused ("table is locked"); the page retries as well.
        if answer.status_code == 200 and answer.json()["status"] != "started":
            break
        time.sleep(0.3)
    payment.refresh_from_db()
    assert payment.status == OnlinePayment.Status.SUCCEEDED
    assert Receipt.objects.get().contribution == payment.contribution
    assert ledger_verify() == []
