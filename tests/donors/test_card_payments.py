"""Card payments through Stripe, with the real stripe library against localstripe.

Events localstripe does not send (duplicates, out of order, refunds, disputes,
payouts, tampered or stale deliveries) are built here and signed with Stripe's
real scheme; Kenanga still fetches every object from localstripe before acting.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests

from core.models import AuditEntry
from donors.errors import DonorError
from donors.models import Contribution, GatewayEvent, GatewayMovement, OnlinePayment, Receipt
from donors.payments import online_payment_refund, online_payment_start
from funds.models import Account, Transaction
from funds.verify import ledger_verify
from tests.donors.csr_fixtures import (
    accepted_cash_pledge,
    deliver,
    event,
    localstripe_fee,
    paid_at_localstripe,
    sign,
)

pytestmark = pytest.mark.usefixtures("stripe_env")


def balance(owner) -> Decimal:
    return Account.objects.get(
        **{"fund" if hasattr(owner, "allowed_programmes") else "location": owner}
    ).balance


@pytest.fixture
def pledge(partner, personas, csr_books):
    return accepted_cash_pledge(partner, personas, fund=csr_books.umum)


def start(pledge, amount="1000000"):
    return online_payment_start(
        donor=pledge.partner.donor,
        fund=None,
        amount=Decimal(amount),
        pledge=pledge,
        actor=pledge.partner.user,
    )


def succeeded(payment, **kw) -> bytes:
    return event(
        "payment_intent.succeeded",
        {"id": payment.payment_intent_id, "object": "payment_intent"},
        **kw,
    )


def signed_delivery(client, body: bytes):
    return deliver(client, body, sign(body))


# --- bad amounts ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "amount, message",
    [("9999", "paling sedikit"), ("50000.50", "rupiah penuh"), ("0", "lebih dari nol")],
)
def test_it_refuses_card_amounts_below_the_minimum_or_not_whole_rupiah(pledge, amount, message):
    with pytest.raises(DonorError, match=message):
        start(pledge, amount)
    assert not OnlinePayment.objects.exists()


def test_it_refuses_a_card_payment_above_what_the_pledge_still_owes(pledge):
    with pytest.raises(DonorError, match="melebihi sisa janji"):
        start(pledge, "3000001")


def test_starting_and_paying_at_stripe_books_nothing_without_the_webhook(pledge, csr_books):
    payment = start(pledge)
    assert paid_at_localstripe(payment)["status"] == "succeeded"
    payment.refresh_from_db()
    assert payment.status == OnlinePayment.Status.STARTED
    assert not Contribution.objects.exists()
    assert balance(csr_books.gateway) == 0


# --- the signed webhook -----------------------------------------------------------------------
def test_a_signed_success_event_books_the_gross_gift_at_the_gateway_and_the_fee_apart(
    client, pledge, csr_books, stripe_env
):
    localstripe_fee(stripe_env.url, 290)  # 2.9 %
    payment = start(pledge)
    paid_at_localstripe(payment)

    response = signed_delivery(client, succeeded(payment))

    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    assert payment.status == OnlinePayment.Status.SUCCEEDED
    assert payment.fee == Decimal("29000.00")
    gift = payment.contribution
    assert gift.amount == Decimal("1000000.00") and gift.channel == Contribution.Channel.CARD
    assert gift.location == csr_books.gateway
    assert gift.receipt.status == Receipt.Status.VALID
    assert Transaction.objects.filter(kind=Transaction.Kind.FEE).count() == 1
    assert balance(csr_books.gateway) == Decimal("971000.00")
    assert balance(csr_books.umum) == Decimal("971000.00")
    pledge.refresh_from_db()
    assert pledge.received_amount == Decimal("1000000.00")
    assert pledge.status == pledge.Status.PARTLY_FULFILLED
    assert pledge.instalments.order_by("due_date").first().paid_amount == Decimal("1000000.00")
    assert ledger_verify() == []


def test_the_same_event_delivered_twice_is_booked_once(client, pledge):
    payment = start(pledge)
    paid_at_localstripe(payment)
    body = succeeded(payment)

    first, second = signed_delivery(client, body), signed_delivery(client, body)

    assert first.status_code == second.status_code == 200
    assert second.content == b"duplicate"
    assert Contribution.objects.count() == 1
    assert GatewayEvent.objects.count() == 1


def test_two_different_events_for_one_payment_book_it_once(client, pledge):
    payment = start(pledge)
    paid_at_localstripe(payment)
    signed_delivery(client, succeeded(payment))
    charge = {"id": "ch_x", "object": "charge", "payment_intent": payment.payment_intent_id}

    again = signed_delivery(client, event("charge.succeeded", charge))

    assert again.status_code == 200 and again.content == b"unchanged"
    assert Contribution.objects.count() == 1
    assert ledger_verify() == []


@pytest.mark.parametrize(
    "make_signature",
    [
        lambda body: None,  # unsigned
        lambda body: sign(body, secret="whsec_someone_else"),  # wrong secret
        lambda body: sign(body, timestamp=int(time.time()) - 3600),  # too old (replay)
        lambda body: "t=123,v1=deadbeef",  # garbage
    ],
    ids=["unsigned", "wrong-secret", "expired", "garbage"],
)
def test_a_delivery_not_signed_by_stripe_now_is_refused_and_nothing_recorded(
    client, pledge, make_signature
):
    payment = start(pledge)
    paid_at_localstripe(payment)
    body = succeeded(payment)

    response = deliver(client, body, make_signature(body))

    assert response.status_code == 400
    assert not GatewayEvent.objects.exists() and not Contribution.objects.exists()


def test_a_tampered_body_is_refused(client, pledge):
    payment = start(pledge)
    paid_at_localstripe(payment)
    body = succeeded(payment)
    signature = sign(body)
    tampered = body.replace(b"payment_intent.succeeded", b"payment_intent.succeedeX")

    assert deliver(client, tampered, signature).status_code == 400
    assert not GatewayEvent.objects.exists()


def test_the_webhook_answers_get_with_405(client):
    assert client.get("/donatur/stripe/webhook/").status_code == 405


def test_a_success_event_for_an_unpaid_intent_books_nothing(client, pledge):
    payment = start(pledge)  # never paid at Stripe: the event's copy is not believed

    response = signed_delivery(client, succeeded(payment))

    assert response.status_code == 200 and b"waiting" in response.content
    assert not Contribution.objects.exists()


def test_an_event_older_than_the_last_applied_is_ignored(client, pledge):
    payment = start(pledge)
    paid_at_localstripe(payment)
    now = int(time.time())
    signed_delivery(client, succeeded(payment, created=now))
    stale = event(
        "payment_intent.processing",
        {"id": payment.payment_intent_id, "object": "payment_intent"},
        created=now - 30,
    )

    response = signed_delivery(client, stale)

    assert response.content == b"ignored: older than the last event applied"
    payment.refresh_from_db()
    assert payment.status == OnlinePayment.Status.SUCCEEDED


def test_a_refund_event_before_the_success_event_books_both_in_order(
    client, pledge, csr_books, stripe_env
):
    import stripe

    payment = start(pledge)
    paid_at_localstripe(payment)
    stripe.Refund.create(payment_intent=payment.payment_intent_id, amount=40_000_000)
    charge = {"id": "ch", "object": "charge", "payment_intent": payment.payment_intent_id}
    now = int(time.time())

    signed_delivery(client, event("charge.refunded", charge, created=now))
    late = signed_delivery(client, succeeded(payment, created=now - 5))

    assert late.content == b"ignored: older than the last event applied"
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("400000.00")
    standing = Contribution.objects.get(status=Contribution.Status.RECORDED)
    assert standing.amount == Decimal("600000.00")
    assert balance(csr_books.gateway) == Decimal("600000.00")
    assert ledger_verify() == []


# --- refunds, disputes, payouts ----------------------------------------------------------------
@pytest.fixture
def booked(client, pledge):
    payment = start(pledge)
    paid_at_localstripe(payment)
    signed_delivery(client, succeeded(payment))
    payment.refresh_from_db()
    return payment


def test_a_partial_refund_voids_the_receipt_and_re_receipts_what_is_left(
    client, booked, personas, csr_books
):
    first_receipt = booked.contribution.receipt
    online_payment_refund(payment=booked, amount=Decimal("250000"), actor=personas["fund_manager"])
    charge = {
        "id": booked.charge_id,
        "object": "charge",
        "payment_intent": booked.payment_intent_id,
    }

    response = signed_delivery(client, event("charge.refunded", charge))
    again = signed_delivery(client, event("charge.refunded", charge))  # a new event id, same refund

    assert response.status_code == again.status_code == 200
    first_receipt.refresh_from_db()
    assert first_receipt.status == Receipt.Status.VOID
    booked.refresh_from_db()
    assert booked.refunded_amount == Decimal("250000.00")
    assert booked.contribution.amount == Decimal("750000.00")
    assert booked.contribution.receipt.status == Receipt.Status.VALID
    assert GatewayMovement.objects.filter(kind="refund").count() == 1
    assert balance(csr_books.gateway) == Decimal("750000.00")
    booked.pledge.refresh_from_db()
    assert booked.pledge.received_amount == Decimal("750000.00")
    assert booked.contribution.pledge_id == booked.pledge_id
    # The remainder's link to the pledge is audited, once (the second event changed nothing).
    linked = AuditEntry.objects.filter(
        action="donors.contribution.updated", object_id=str(booked.contribution_id)
    )
    assert [e.changes["pledge"] for e in linked] == [[None, booked.pledge_id]]
    assert ledger_verify() == []


def test_a_full_refund_leaves_no_valid_receipt(client, booked, personas, csr_books):
    online_payment_refund(payment=booked, amount=Decimal("1000000"), actor=personas["fund_manager"])
    charge = {
        "id": booked.charge_id,
        "object": "charge",
        "payment_intent": booked.payment_intent_id,
    }

    signed_delivery(client, event("charge.refunded", charge))

    booked.refresh_from_db()
    assert booked.status == OnlinePayment.Status.REFUNDED and booked.contribution is None
    assert not Receipt.objects.filter(status=Receipt.Status.VALID).exists()
    assert balance(csr_books.gateway) == 0 and balance(csr_books.umum) == 0
    assert ledger_verify() == []


def test_a_refund_larger_than_the_payment_is_refused(booked, personas):
    with pytest.raises(DonorError, match="melebihi"):
        online_payment_refund(
            payment=booked, amount=Decimal("1000001"), actor=personas["fund_manager"]
        )


def test_a_dispute_reverses_the_gift_and_voids_the_receipt(client, booked, stripe_env, csr_books):
    requests.post(
        f"{stripe_env.url}/_config/disputes/dp_test1",
        data={"amount": 100_000_000, "charge": booked.charge_id},
        timeout=5,
    )
    body = event("charge.dispute.created", {"id": "dp_test1", "object": "dispute"})

    assert signed_delivery(client, body).content == b"disputed"
    assert signed_delivery(client, body).content == b"duplicate"

    booked.refresh_from_db()
    assert booked.status == OnlinePayment.Status.DISPUTED
    assert not Receipt.objects.filter(status=Receipt.Status.VALID).exists()
    assert balance(csr_books.gateway) == 0
    assert ledger_verify() == []


def test_a_payout_moves_money_from_the_gateway_to_the_bank(client, booked, csr_books):
    import stripe

    payout = stripe.Payout.create(amount=60_000_000, currency="idr", status="paid")
    body = event("payout.paid", {"id": payout.id, "object": "payout"})

    assert signed_delivery(client, body).content == b"payout booked"
    assert signed_delivery(client, event("payout.paid", {"id": payout.id})).content == (
        b"duplicate payout"
    )

    assert balance(csr_books.gateway) == Decimal("400000.00")
    assert balance(csr_books.bank) == Decimal("600000.00")
    assert balance(csr_books.umum) == Decimal("1000000.00")
    assert ledger_verify() == []


def test_a_payout_larger_than_the_gateway_holds_is_refused(client, booked):
    import stripe

    payout = stripe.Payout.create(amount=200_000_000, currency="idr", status="paid")

    response = signed_delivery(client, event("payout.paid", {"id": payout.id}))

    assert response.status_code == 500
    assert not GatewayMovement.objects.filter(kind="payout").exists()


def test_two_card_pages_paying_the_same_rest_book_both_but_count_once(client, pledge, csr_books):
    first, second = start(pledge, "3000000"), start(pledge, "3000000")
    for payment in (first, second):
        paid_at_localstripe(payment)
        signed_delivery(client, succeeded(payment))

    pledge.refresh_from_db()
    assert pledge.received_amount == Decimal("3000000.00") and pledge.status == "fulfilled"
    assert Contribution.objects.filter(status="recorded").count() == 2
    assert Contribution.objects.filter(pledge=pledge).count() == 1
    assert balance(csr_books.umum) == Decimal("6000000.00")
    assert ledger_verify() == []
