"""The same Stripe event delivered three times at once is booked once (PostgreSQL row locks)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection

from donors.models import Contribution, GatewayEvent, OnlinePayment
from donors.payments import gateway_event_receive, online_payment_start
from funds.models import Transaction
from funds.verify import ledger_verify
from tests.concurrency import run_at_once
from tests.donors.csr_fixtures import accepted_cash_pledge, event, paid_at_localstripe, sign

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("stripe_env"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks and concurrent unique inserts; SQLite serialises all writes",
    ),
]


def _paid_payment(partner, personas, fund):
    pledge = accepted_cash_pledge(partner, personas, fund=fund)
    payment = online_payment_start(
        donor=partner.donor, fund=None, amount=Decimal("1000000"), pledge=pledge, actor=partner.user
    )
    paid_at_localstripe(payment)
    return payment


def test_the_same_event_three_times_at_once_makes_one_ledger_posting(partner, personas, csr_books):
    payment = _paid_payment(partner, personas, csr_books.umum)
    body = event("payment_intent.succeeded", {"id": payment.payment_intent_id})
    signature = sign(body)
    before = Transaction.objects.count()

    results, errors = run_at_once(
        3, lambda i: gateway_event_receive(payload=body, signature=signature)
    )

    assert errors == []
    assert sorted(results) == ["booked", "duplicate", "duplicate"]
    assert Transaction.objects.count() == before + 1
    assert Contribution.objects.count() == 1 and GatewayEvent.objects.count() == 1
    assert OnlinePayment.objects.get().status == OnlinePayment.Status.SUCCEEDED
    assert ledger_verify() == []


def test_three_different_events_for_one_payment_at_once_book_it_once(partner, personas, csr_books):
    payment = _paid_payment(partner, personas, csr_books.umum)
    bodies = [
        event("payment_intent.succeeded", {"id": payment.payment_intent_id}),
        event("charge.succeeded", {"id": "ch", "payment_intent": payment.payment_intent_id}),
        event("payment_intent.succeeded", {"id": payment.payment_intent_id}),
    ]

    results, errors = run_at_once(
        3, lambda i: gateway_event_receive(payload=bodies[i], signature=sign(bodies[i]))
    )

    assert errors == []
    assert results.count("booked") == 1
    ids = [json.loads(body)["id"] for body in bodies]
    assert Contribution.objects.count() == 1
    # Each of the three deliveries is recorded once, whatever else a partner's
    # payment page may have recorded before.
    assert GatewayEvent.objects.filter(event_id__in=ids).count() == 3
    assert ledger_verify() == []
