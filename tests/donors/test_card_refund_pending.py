"""A refund or dispute the fund cannot cover waits for a person, instead of Stripe retrying.

Signed payloads with the real stripe library against localstripe: Stripe has
already paid the money back, so the webhook answers 200, keeps the event and a
pending movement, and a fund manager settles it (book it later, or cover it
from an unrestricted fund with a second person's approval).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from donors.errors import DonorError
from donors.models import GatewayEvent, GatewayMovement, OnlinePayment, Receipt
from donors.payments import (
    gateway_movement_book,
    gateway_movement_cover_approve,
    gateway_movement_cover_propose,
    online_payment_refund,
    online_payment_start,
)
from funds.models import Account, Fund, Transaction
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
    key = "fund" if isinstance(owner, Fund) else "location"
    return Account.objects.get(**{key: owner}).balance


def signed(client, body: bytes):
    return deliver(client, body, sign(body))


def pay(client, pledge, amount="1000000") -> OnlinePayment:
    payment = online_payment_start(
        donor=pledge.partner.donor,
        fund=None,
        amount=Decimal(amount),
        pledge=pledge,
        actor=pledge.partner.user,
    )
    paid_at_localstripe(payment)
    body = event("payment_intent.succeeded", {"id": payment.payment_intent_id})
    assert signed(client, body).status_code == 200
    payment.refresh_from_db()
    assert payment.status == OnlinePayment.Status.SUCCEEDED
    return payment


def refunded(payment) -> bytes:
    return event(
        "charge.refunded",
        {"id": payment.charge_id, "object": "charge", "payment_intent": payment.payment_intent_id},
    )


@pytest.fixture
def pledge(partner, personas, csr_books):
    return accepted_cash_pledge(partner, personas, fund=csr_books.umum)


@pytest.fixture
def with_fee(stripe_env):
    localstripe_fee(stripe_env.url, 290)  # 2,9 %: Rp29.000 of Rp1.000.000


@pytest.fixture
def pending(client, pledge, personas, with_fee):
    """A full refund of a gift whose fee was booked: the fund holds Rp971.000 of Rp1.000.000."""
    payment = pay(client, pledge)
    online_payment_refund(
        payment=payment, amount=Decimal("1000000"), actor=personas["fund_manager"]
    )
    body = refunded(payment)
    response = signed(client, body)
    assert response.status_code == 200 and response.content.startswith(b"pending")
    payment.refresh_from_db()
    return payment, body


def test_a_refund_the_fund_can_cover_is_booked_at_once(
    client, pledge, personas, csr_books, with_fee
):
    payment = pay(client, pledge)
    receipt = payment.contribution.receipt
    online_payment_refund(payment=payment, amount=Decimal("250000"), actor=personas["fund_manager"])

    response = signed(client, refunded(payment))

    assert response.status_code == 200 and response.content.startswith(b"refunded")
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.VOID
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("250000.00")
    assert payment.contribution.amount == Decimal("750000.00")
    # The fee stays spent: 1.000.000 - 29.000 - 250.000.
    assert balance(csr_books.umum) == Decimal("721000.00")
    assert not GatewayMovement.objects.filter(status="pending").exists()
    assert ledger_verify() == []


def test_a_refund_the_fund_cannot_cover_is_kept_pending_with_its_event(pending, csr_books):
    payment, body = pending

    movement = GatewayMovement.objects.get(payment=payment)
    assert movement.status == GatewayMovement.Status.PENDING
    assert movement.transaction is None and "tidak cukup" in movement.refusal
    assert (
        GatewayEvent.objects.filter(type="charge.refunded", outcome__startswith="pending").count()
        == 1
    )
    assert movement.event_id == GatewayEvent.objects.get(type="charge.refunded").event_id
    # Nothing moved: the gift and its receipt still stand until the refund is booked.
    assert payment.refunded_amount == 0 and payment.status == OnlinePayment.Status.SUCCEEDED
    assert payment.contribution.receipt.status == Receipt.Status.VALID
    assert balance(csr_books.umum) == Decimal("971000.00")
    assert ledger_verify() == []


def test_a_duplicate_delivery_of_the_pending_refund_changes_nothing(client, pending):
    payment, body = pending
    postings = Transaction.objects.count()

    again = signed(client, body)
    another_event = signed(client, refunded(payment))  # a new event id, the same refund

    assert again.content == b"duplicate"
    assert another_event.status_code == 200
    assert GatewayMovement.objects.filter(payment=payment).count() == 1
    assert Transaction.objects.count() == postings
    assert ledger_verify() == []


def test_a_pending_refund_is_listed_to_the_fund_managers(pending, personas):
    from donors.dashboard import queue

    rows = {row.label: row for row in queue(personas["fund_manager"])}
    row = next(r for label, r in rows.items() if "pengembalian" in str(label).lower())
    assert row.count == 1
    treasurer_rows = queue(personas["treasurer"])
    assert any(r.count == 1 and "pengembalian" in str(r.label).lower() for r in treasurer_rows)


def test_a_pending_refund_cannot_be_booked_while_the_fund_still_lacks_money(pending, personas):
    payment, _ = pending
    movement = GatewayMovement.objects.get(payment=payment)

    with pytest.raises(DonorError, match="tidak cukup"):
        gateway_movement_book(movement=movement, actor=personas["fund_manager"])

    movement.refresh_from_db()
    assert movement.status == GatewayMovement.Status.PENDING


def test_a_pending_refund_is_booked_once_money_has_arrived(
    client, pending, pledge, personas, csr_books
):
    payment, _ = pending
    receipt = payment.contribution.receipt
    pay(client, pledge, "500000")  # another instalment: the fund and the gateway hold more now
    movement = GatewayMovement.objects.get(payment=payment)

    gateway_movement_book(movement=movement, actor=personas["treasurer"])

    movement.refresh_from_db()
    payment.refresh_from_db()
    receipt.refresh_from_db()
    assert movement.status == GatewayMovement.Status.BOOKED and movement.transaction_id
    assert movement.settled_by == personas["treasurer"]
    assert payment.status == OnlinePayment.Status.REFUNDED and payment.contribution is None
    assert receipt.status == Receipt.Status.VOID
    # 971.000 + (500.000 - 14.500 fee) - 1.000.000
    assert balance(csr_books.umum) == Decimal("456500.00")
    with pytest.raises(DonorError, match="sudah dibukukan"):
        gateway_movement_book(movement=movement, actor=personas["fund_manager"])
    assert ledger_verify() == []


@pytest.fixture
def operational(csr_books, personas):
    """An unrestricted fund with money in the bank, to cover what the gift's fund lacks."""
    from donors.models import Contribution, Donor
    from donors.services import gift_record

    fund = Fund.objects.create(code="operasional", name="Dana operasional")
    gift_record(
        donor=Donor.objects.create(kind=Donor.Kind.INSTITUTION, name="Yayasan Uji"),
        fund=fund,
        location=csr_books.bank,
        amount=Decimal("100000"),
        date=dt.date.today(),
        channel=Contribution.Channel.INSTITUTION,
        actor=personas["fund_manager"],
    )
    return fund


def test_a_pending_refund_is_covered_from_an_unrestricted_fund_once_another_person_approves(
    pending, personas, csr_books, operational
):
    payment, _ = pending
    movement = GatewayMovement.objects.get(payment=payment)
    manager = personas["fund_manager"]

    gateway_movement_cover_propose(
        movement=movement,
        fund=operational,
        location=csr_books.bank,
        reason="Biaya gateway ditanggung dana operasional",
        actor=manager,
    )
    with pytest.raises(DonorError, match="Pengusul"):
        gateway_movement_cover_approve(movement=movement, actor=manager)
    gateway_movement_cover_approve(movement=movement, actor=personas["treasurer"])

    movement.refresh_from_db()
    payment.refresh_from_db()
    assert movement.status == GatewayMovement.Status.BOOKED
    assert payment.status == OnlinePayment.Status.REFUNDED
    assert not Receipt.objects.filter(
        contribution__donor=payment.donor, status=Receipt.Status.VALID
    ).exists()
    assert balance(csr_books.umum) == 0 and balance(csr_books.gateway) == 0
    assert balance(operational) == Decimal("71000.00")
    assert balance(csr_books.bank) == Decimal("71000.00")
    assert ledger_verify() == []


@pytest.mark.parametrize("who", ["verifier", "auditor", "csr_partner"])
def test_only_fund_managers_and_treasurers_settle_a_pending_refund(pending, personas, who):
    movement = GatewayMovement.objects.get(payment=pending[0])
    with pytest.raises(DonorError, match="Hanya pengelola dana atau bendahara"):
        gateway_movement_book(movement=movement, actor=personas[who])
    with pytest.raises(DonorError, match="Hanya pengelola dana lain atau bendahara"):
        gateway_movement_cover_approve(movement=movement, actor=personas[who])
    with pytest.raises(DonorError, match="Hanya pengelola dana yang dapat mengusulkan"):
        gateway_movement_cover_propose(
            movement=movement, fund=None, location=None, reason="x", actor=personas[who]
        )
    movement.refresh_from_db()
    assert movement.status == GatewayMovement.Status.PENDING and movement.proposed_by is None


def test_a_treasurer_may_settle_but_not_propose_a_cover(pending, personas):
    movement = GatewayMovement.objects.get(payment=pending[0])
    with pytest.raises(DonorError, match="Hanya pengelola dana yang dapat mengusulkan"):
        gateway_movement_cover_propose(
            movement=movement, fund=None, location=None, reason="x", actor=personas["treasurer"]
        )


def test_a_pending_dispute_that_stripe_says_was_won_is_not_booked(pending, personas, monkeypatch):
    from types import SimpleNamespace

    from donors import gateway

    payment = pending[0]
    movement = GatewayMovement.objects.get(payment=payment)
    GatewayMovement.objects.filter(pk=movement.pk).update(
        kind=GatewayMovement.Kind.DISPUTE, stripe_id="dp_menang"
    )
    movement.refresh_from_db()
    asked = []

    def dispute(dispute_id):
        asked.append(dispute_id)
        return SimpleNamespace(status="won")

    monkeypatch.setattr(gateway, "dispute_retrieve", dispute)
    for settle in (gateway_movement_book, gateway_movement_cover_approve):
        with pytest.raises(DonorError, match="dimenangkan"):
            settle(movement=movement, actor=personas["treasurer"])
    assert asked == ["dp_menang", "dp_menang"]
    movement.refresh_from_db()
    payment.refresh_from_db()
    assert movement.status == GatewayMovement.Status.PENDING and movement.transaction is None
    assert payment.refunded_amount == 0


def test_a_cover_must_come_from_another_unrestricted_fund_with_a_reason(
    pending, personas, csr_books, operational
):
    movement = GatewayMovement.objects.get(payment=pending[0])
    manager = personas["fund_manager"]
    restricted = Fund.objects.create(code="rtlh", name="RTLH", restriction="restricted")
    cases = [
        ({"fund": operational, "location": csr_books.bank, "reason": " "}, "Alasan"),
        ({"fund": restricted, "location": csr_books.bank, "reason": "x"}, "tanpa pembatasan"),
        ({"fund": csr_books.umum, "location": csr_books.bank, "reason": "x"}, "lain"),
        ({"fund": operational, "location": csr_books.gateway, "reason": "x"}, "rekening"),
    ]
    for kwargs, message in cases:
        with pytest.raises(DonorError, match=message):
            gateway_movement_cover_propose(movement=movement, actor=manager, **kwargs)
    with pytest.raises(DonorError, match="Belum ada usulan"):
        gateway_movement_cover_approve(movement=movement, actor=personas["treasurer"])
    # A fund closed after the proposal no longer covers it.
    gateway_movement_cover_propose(
        movement=movement, actor=manager, fund=operational, location=csr_books.bank, reason="x"
    )
    Fund.objects.filter(pk=operational.pk).update(is_active=False)
    with pytest.raises(DonorError, match="tanpa pembatasan"):
        gateway_movement_cover_approve(movement=movement, actor=personas["treasurer"])
    movement.refresh_from_db()
    assert movement.status == GatewayMovement.Status.PENDING


def test_a_refund_larger_than_the_payment_is_refused_and_nothing_recorded(client, pledge):
    import stripe

    payment = pay(client, pledge)
    # Stripe itself would refuse this; the fake does not, so the books must.
    stripe.Refund.create(payment_intent=payment.payment_intent_id, amount=100_000_100)
    events = GatewayEvent.objects.count()

    response = signed(client, refunded(payment))

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.refunded_amount == 0 and payment.contribution.status == "recorded"
    assert GatewayEvent.objects.count() == events
    assert not GatewayMovement.objects.exists()


def test_a_second_refund_cannot_be_asked_beyond_what_a_pending_one_leaves(pending, personas):
    payment, _ = pending
    with pytest.raises(DonorError, match="melebihi"):
        online_payment_refund(
            payment=payment, amount=Decimal("10000"), actor=personas["fund_manager"]
        )


def test_the_fund_manager_proposes_and_the_treasurer_approves_through_the_pages(
    client, pending, personas, operational, csr_books
):
    from django.urls import reverse

    movement = GatewayMovement.objects.get(payment=pending[0])
    client.force_login(personas["fund_manager"])
    listing = client.get(reverse("donors:movement_list"))
    assert movement.stripe_id in listing.content.decode()
    page = client.get(reverse("donors:movement_detail", args=[movement.pk])).content.decode()
    assert "Rp29.000" in page  # what the fund lacks
    client.post(
        reverse("donors:movement_propose", args=[movement.pk]),
        {"fund": operational.pk, "location": csr_books.bank.pk, "reason": "Biaya ditanggung"},
    )
    client.force_login(personas["auditor"])
    assert client.post(reverse("donors:movement_approve", args=[movement.pk])).status_code == 403
    client.force_login(personas["treasurer"])
    assert client.get(reverse("donors:movement_approve", args=[movement.pk])).status_code == 405
    page = client.get(reverse("donors:movement_detail", args=[movement.pk])).content.decode()
    seen = {
        "cover_fund": str(operational.pk),
        "cover_location": str(csr_books.bank.pk),
        "cover_reason": "Biaya ditanggung",
    }
    for name, value in seen.items():
        assert f'name="{name}" value="{value}"' in page  # the proposal the approver sees
    # The proposal changed after the page was opened: refused, nothing booked.
    client.post(
        reverse("donors:movement_approve", args=[movement.pk]), {**seen, "cover_reason": "x"}
    )
    client.post(reverse("donors:movement_approve", args=[movement.pk]), {})
    movement.refresh_from_db()
    assert movement.status == GatewayMovement.Status.PENDING
    client.post(reverse("donors:movement_approve", args=[movement.pk]), seen)

    movement.refresh_from_db()
    assert movement.status == GatewayMovement.Status.BOOKED
    assert movement.proposed_by == personas["fund_manager"]
    assert ledger_verify() == []
