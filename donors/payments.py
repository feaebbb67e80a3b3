"""Card payments through Stripe: started by the giver, booked only by a verified webhook.

A browser coming back from the card form changes nothing: money changes state
only when Stripe tells us so through a signed event, and even then we fetch
the object from Stripe and act on what Stripe says now, not on the event's
copy. So events may arrive twice, at once, or out of order:

- the event id is a unique key (GatewayEvent): a redelivery is a no-op;
- the payment row is locked, and the gift is a one-to-one of the payment:
  one PaymentIntent is booked once, whatever event brought it;
- an event older than the last one applied to a payment is ignored;
- refunds, disputes and payouts are keyed on Stripe's own ids.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.money import to_minor_units
from core.roles import Role
from donors import gateway, ledger
from donors.csr import pledge_apply, pledge_receivable
from donors.errors import DonorError
from donors.models import (
    Contribution,
    Donor,
    GatewayEvent,
    GatewayMovement,
    OnlinePayment,
    Pledge,
)

ZERO = Decimal("0.00")


class WebhookRefused(Exception):
    """A webhook request that is not a genuine, fresh event from Stripe (answered 400)."""


def gateway_location():
    """Return the money location that holds the gateway balance."""
    try:
        return ledger.money_location_get(code=settings.STRIPE_GATEWAY_LOCATION)
    except ledger.MoneyLocation.DoesNotExist:
        raise DonorError(
            _("Tempat uang gateway '%(c)s' belum dibuat.") % {"c": settings.STRIPE_GATEWAY_LOCATION}
        ) from None


# --- starting a payment --------------------------------------------------------------------
def online_payment_start(
    *, donor: Donor, fund, amount: Decimal, actor, pledge: Pledge | None = None
) -> OnlinePayment:
    """Create the PaymentIntent and its record; nothing is booked until Stripe confirms."""
    amount = gateway.check_card_amount(amount)
    if pledge is not None:
        pledge_receivable(pledge)
        if pledge.kind != Pledge.Kind.CASH:
            raise DonorError(_("Janji barang tidak dibayar dengan kartu."))
        if amount > pledge.outstanding:
            raise DonorError(_("Jumlah melebihi sisa janji."))
        fund = pledge.fund
    if fund is None or not fund.is_active:
        raise DonorError(_("Dana penerima tidak aktif."))
    location = gateway_location()
    # The idempotency key makes a retried request (a double click) one PaymentIntent.
    intent_id, _secret = gateway.payment_intent_create(
        amount=amount,
        metadata={"donor": donor.pk, "pledge": pledge.pk if pledge else "", "fund": fund.code},
        idempotency_key=f"kenanga-pi-{uuid.uuid4()}",
    )
    with transaction.atomic():
        payment = OnlinePayment.objects.create(
            donor=donor,
            pledge=pledge,
            fund=fund,
            location=location,
            amount=amount,
            payment_intent_id=intent_id,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log(
            payment,
            "donors.online_payment.started",
            actor=actor,
            changes={"amount": amount, "payment_intent": intent_id},
        )
    return payment


def online_payment_card(*, payment: OnlinePayment, card: str) -> dict:
    """Attach the card Stripe.js tokenised in the browser; return what the page does next.

    Changes no money: a succeeded intent is booked when its webhook arrives.
    """
    if payment.status != OnlinePayment.Status.STARTED:
        raise DonorError(_("Pembayaran ini sudah selesai."))
    if not card or not card.startswith(("card_", "pm_", "src_")):
        raise DonorError(_("Data kartu dari Stripe tidak terbaca."))
    intent = gateway.payment_intent_attach_card(
        payment_intent_id=payment.payment_intent_id, card=card
    )
    return {"status": intent.status, "client_secret": intent.client_secret}


# --- the webhook ---------------------------------------------------------------------------
def gateway_event_receive(*, payload: bytes, signature: str) -> str:
    """Verify and apply one webhook delivery; return what happened (for the log).

    Raises WebhookRefused (400) for anything not signed by Stripe with our
    secret within the tolerance, or a refund larger than the payment;
    DonorError (500, Stripe retries) when the books refuse a booking that a
    retry may mend. Either way nothing is recorded. A refund or dispute the
    fund cannot cover is kept pending (200) for a fund manager to settle.
    """
    import json

    import stripe

    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookRefused("webhook secret not configured")
    if not signature:
        raise WebhookRefused("missing signature")
    try:
        gateway.event_construct(payload=payload, signature=signature)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise WebhookRefused(str(exc)) from exc
    # Verified above: read it as plain data.
    event = json.loads(payload)
    obj = event.get("data", {}).get("object") or {}
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = GatewayEvent.objects.create(
                    event_id=event["id"],
                    type=event["type"],
                    created=int(event["created"]),
                    object_id=str(obj.get("id", ""))[:100],
                )
        except IntegrityError:
            # The unique event id: this delivery was booked (or is being booked) already.
            return "duplicate"
        outcome = _dispatch(event["type"], obj, int(event["created"]), event["id"])
        record.outcome = outcome[:200]
        record.save(update_fields=["outcome"])
    return outcome


def _dispatch(kind: str, obj: dict, created: int, event_id: str) -> str:
    if kind.startswith("payment_intent."):
        return _payment_sync(payment_intent_id=obj["id"], created=created, event_id=event_id)
    if kind in ("charge.succeeded", "charge.refunded", "charge.refund.updated"):
        intent = obj.get("payment_intent")
        if not intent:
            return "ignored: no payment intent"
        return _payment_sync(payment_intent_id=intent, created=created, event_id=event_id)
    if kind in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
        return _dispute_sync(dispute_id=obj["id"], event_id=event_id)
    if kind == "payout.paid":
        return _payout_book(payout_id=obj["id"])
    return f"ignored: {kind}"


def _id(value) -> str:
    return value if isinstance(value, str) else value.id


def _payment_sync(*, payment_intent_id: str, created: int, event_id: str = "") -> str:
    """Bring our record of one PaymentIntent in line with what Stripe says now."""
    payment = (
        OnlinePayment.objects.select_for_update()
        .filter(payment_intent_id=payment_intent_id)
        .first()
    )
    if payment is None:
        return "ignored: unknown payment intent"
    if created < payment.last_event_created:
        return "ignored: older than the last event applied"
    payment.last_event_created = created
    payment.save(update_fields=["last_event_created"])
    intent = gateway.payment_intent_retrieve(payment_intent_id)
    if intent.status != "succeeded":
        if payment.status == OnlinePayment.Status.STARTED and intent.status == "canceled":
            payment.status = OnlinePayment.Status.FAILED
            payment.save(update_fields=["status"])
            audit_log(payment, "donors.online_payment.failed", changes={"stripe": intent.status})
            return "failed"
        return f"waiting: {intent.status}"
    if intent.currency != gateway.CURRENCY or intent.amount != to_minor_units(payment.amount):
        raise DonorError(_("Jumlah atau mata uang di Stripe berbeda dari catatan pembayaran."))
    outcome = []
    charge = gateway.charge_retrieve(_id(intent.latest_charge))
    if payment.status == OnlinePayment.Status.STARTED:
        _payment_book(payment, charge)
        outcome.append("booked")
    stripe_refunded = int(getattr(charge, "amount_refunded", 0) or 0)
    # Listing refunds is one more round trip; only when Stripe says there is something new.
    if payment.status == OnlinePayment.Status.SUCCEEDED and stripe_refunded > to_minor_units(
        _claimed(payment)
    ):
        outcome.extend(_refunds_book(payment, event_id=event_id))
    return ", ".join(outcome) or "unchanged"


def _payment_book(payment: OnlinePayment, charge) -> None:
    """Book the gross gift into the gateway location, the fee on its own line, the receipt."""
    from donors.services import gift_record

    date = timezone.localdate()
    fee = gateway.charge_fee(charge)
    contribution = gift_record(
        donor=payment.donor,
        fund=payment.fund,
        location=payment.location,
        amount=payment.amount,
        date=date,
        channel=Contribution.Channel.CARD,
        actor=None,
        note=payment.payment_intent_id,
    )
    fee_txn = None
    if fee > 0:
        try:
            fee_txn = ledger.gateway_charge_record(
                fund=payment.fund,
                location=payment.location,
                amount=fee,
                date=date,
                description=_("Biaya gateway %(pi)s") % {"pi": payment.payment_intent_id},
                reference=payment,
                actor=None,
            )
        except ledger.LedgerError as exc:
            raise DonorError(str(exc)) from exc
    if payment.pledge_id:
        try:
            with transaction.atomic():
                pledge_apply(pledge=payment.pledge, amount=payment.amount, actor=None)
        except DonorError:
            # Two card pages paid the last instalment at once: the money is real and
            # stays a gift to the pledge's fund, it just does not count twice.
            audit_log(
                payment,
                "donors.online_payment.beyond_pledge",
                changes={"pledge": payment.pledge_id, "amount": payment.amount},
            )
        else:
            Contribution.objects.filter(pk=contribution.pk).update(pledge=payment.pledge_id)
    payment.status = OnlinePayment.Status.SUCCEEDED
    payment.contribution, payment.fee, payment.fee_transaction = contribution, fee, fee_txn
    payment.charge_id, payment.booked_at = charge.id, timezone.now()
    payment.save(
        update_fields=["status", "contribution", "fee", "fee_transaction", "charge_id", "booked_at"]
    )
    audit_log(
        payment,
        "donors.online_payment.booked",
        changes={"amount": payment.amount, "fee": fee, "contribution": contribution.pk},
    )


def _take_back(payment: OnlinePayment, *, reason: str, removed: Decimal):
    """Reverse the standing gift as a gift (its receipt is void); re-record what is left.

    Returns the reversing ledger transaction. The giver gets a new receipt for
    the remainder, so no valid receipt ever states more than Kenanga holds.
    """
    from donors.services import contribution_reverse, gift_record

    standing = payment.contribution
    remainder = standing.amount - removed
    new = None
    if remainder > 0:
        # Recorded before the old gift is reversed, so that the fund needs to
        # hold only what leaves it (`removed`), not the whole gift at once.
        new = gift_record(
            donor=payment.donor,
            fund=payment.fund,
            location=payment.location,
            amount=remainder,
            date=timezone.localdate(),
            channel=Contribution.Channel.CARD,
            actor=None,
            note=_("%(pi)s, sisa setelah pengembalian") % {"pi": payment.payment_intent_id},
        )
    old = contribution_reverse(contribution=standing, reason=reason, actor=None)
    if old.pledge_id:
        pledge_apply(pledge=old.pledge, amount=-removed, actor=None)
        if new is not None:
            Contribution.objects.filter(pk=new.pk).update(pledge=old.pledge_id)
            # Every change of a money record is in the audit trail, this link too.
            audit_log(
                new,
                "donors.contribution.updated",
                changes={"pledge": [None, old.pledge_id], "remainder_of": old.pk},
            )
    payment.contribution = new
    payment.save(update_fields=["contribution"])
    return old.reversal_transaction


def _claimed(payment: OnlinePayment) -> Decimal:
    """Return what refunds and disputes take from the payment, booked or still pending."""
    pending = payment.movements.filter(status=GatewayMovement.Status.PENDING).aggregate(
        s=Sum("amount")
    )["s"]
    return payment.refunded_amount + (pending or ZERO)


def _refunds_book(payment: OnlinePayment, *, event_id: str) -> list[str]:
    """Book every succeeded refund of the payment not seen yet (keyed on the refund id)."""
    outcome = []
    for refund in gateway.refunds_list(payment_intent_id=payment.payment_intent_id):
        if getattr(refund, "status", "succeeded") != "succeeded":
            continue
        if GatewayMovement.objects.filter(stripe_id=refund.id).exists():
            continue
        amount = gateway.from_minor_units(int(refund.amount))
        if _claimed(payment) + amount > payment.amount:
            # Stripe never refunds more than was paid: the event and our record
            # disagree. Refused (400) with nothing kept, for a person to look at.
            raise WebhookRefused(
                f"refund {refund.id} larger than what is left of {payment.payment_intent_id}"
            )
        movement = GatewayMovement.objects.create(
            kind=GatewayMovement.Kind.REFUND,
            stripe_id=refund.id,
            payment=payment,
            amount=amount,
            event_id=event_id,
        )
        outcome.append(f"{_take_back_or_hold(payment, movement)} {amount}")
    return outcome


def _movement_reason(movement: GatewayMovement) -> str:
    if movement.kind == GatewayMovement.Kind.DISPUTE:
        return _("Sengketa kartu %(id)s") % {"id": movement.stripe_id}
    return _("Dikembalikan kepada pemberi (%(id)s)") % {"id": movement.stripe_id}


def _movement_book(payment: OnlinePayment, movement: GatewayMovement, *, actor=None) -> None:
    """Reverse the gift for a refund or dispute; raises DonorError when the books refuse."""
    if (
        payment.contribution_id is None
        or payment.amount - payment.refunded_amount < movement.amount
    ):
        raise DonorError(_("Tidak ada sumbangan kartu yang cukup untuk dibalik."))
    movement.transaction = _take_back(
        payment, reason=_movement_reason(movement), removed=movement.amount
    )
    movement.status = GatewayMovement.Status.BOOKED
    movement.save(update_fields=["transaction", "status"])
    payment.refunded_amount += movement.amount
    if movement.kind == GatewayMovement.Kind.DISPUTE:
        payment.status = OnlinePayment.Status.DISPUTED
    elif payment.refunded_amount == payment.amount:
        payment.status = OnlinePayment.Status.REFUNDED
    payment.save(update_fields=["refunded_amount", "status"])
    audit_log(
        payment,
        "donors.online_payment.disputed"
        if movement.kind == GatewayMovement.Kind.DISPUTE
        else "donors.online_payment.refunded",
        actor=actor,
        changes={movement.kind: movement.stripe_id, "amount": movement.amount},
    )


def _take_back_or_hold(payment: OnlinePayment, movement: GatewayMovement) -> str:
    """Book the movement now, or keep it pending when the fund cannot cover it.

    Stripe has already paid the money back; retrying the delivery cannot make
    the fund richer, so the webhook answers 200 and a fund manager settles it.
    """
    try:
        with transaction.atomic():
            _movement_book(payment, movement)
    except DonorError as exc:
        payment.refresh_from_db()
        movement.refresh_from_db()
        movement.status, movement.refusal = GatewayMovement.Status.PENDING, exc.message
        movement.save(update_fields=["status", "refusal"])
        audit_log(
            movement,
            "donors.gateway.movement_pending",
            changes={"amount": movement.amount, "refusal": exc.message},
        )
        return "pending"
    return "refunded" if movement.kind == GatewayMovement.Kind.REFUND else "disputed"


# Stripe's dispute states in which the money came back to the organisation.
DISPUTES_WON = frozenset({"won", "warning_closed"})


def _dispute_sync(*, dispute_id: str, event_id: str = "") -> str:
    """A chargeback takes the money back: reverse what still stands of the gift."""
    dispute = gateway.dispute_retrieve(dispute_id)
    if dispute.status in DISPUTES_WON:
        return f"ignored: dispute {dispute.status}"
    charge = gateway.charge_retrieve(_id(dispute.charge))
    payment = (
        OnlinePayment.objects.select_for_update()
        .filter(payment_intent_id=_id(charge.payment_intent))
        .first()
    )
    if payment is None or payment.status != OnlinePayment.Status.SUCCEEDED:
        return "ignored: payment not booked"
    if GatewayMovement.objects.filter(stripe_id=dispute_id).exists():
        return "duplicate dispute"
    standing = payment.amount - _claimed(payment)
    amount = min(gateway.from_minor_units(int(dispute.amount)), standing)
    if amount <= 0:
        return "ignored: nothing left to dispute"
    movement = GatewayMovement.objects.create(
        kind=GatewayMovement.Kind.DISPUTE,
        stripe_id=dispute_id,
        payment=payment,
        amount=amount,
        event_id=event_id,
    )
    return _take_back_or_hold(payment, movement)


def _payout_book(*, payout_id: str) -> str:
    """Move paid-out money from the gateway to the bank (fee on its own line)."""
    if GatewayMovement.objects.filter(stripe_id=payout_id).exists():
        return "duplicate payout"
    payout = gateway.payout_retrieve(payout_id)
    if payout.status != "paid":
        return f"ignored: payout {payout.status}"
    if payout.currency != gateway.CURRENCY:
        raise DonorError(_("Pencairan gateway bukan dalam rupiah."))
    if not settings.STRIPE_PAYOUT_LOCATION:
        raise DonorError(_("Rekening tujuan pencairan (STRIPE_PAYOUT_LOCATION) belum diatur."))
    amount = gateway.from_minor_units(int(payout.amount))
    bank = ledger.money_location_get(code=settings.STRIPE_PAYOUT_LOCATION)
    movement = GatewayMovement.objects.create(
        kind=GatewayMovement.Kind.PAYOUT, stripe_id=payout_id, amount=amount
    )
    try:
        txn = ledger.money_move(
            source=gateway_location(),
            target=bank,
            amount=amount,
            date=timezone.localdate(),
            description=_("Pencairan gateway %(id)s ke %(bank)s") % {"id": payout_id, "bank": bank},
            actor=None,
            reference=movement,
        )
    except ledger.LedgerError as exc:
        raise DonorError(str(exc)) from exc
    movement.transaction = txn
    movement.save(update_fields=["transaction"])
    audit_log(movement, "donors.gateway.payout_booked", changes={"amount": amount})
    return "payout booked"


# --- refunds asked by the fund manager -----------------------------------------------------
def online_payment_refund(*, payment: OnlinePayment, amount: Decimal, actor) -> str:
    """Ask Stripe to refund part or all of a booked payment; the webhook books it."""
    payment = OnlinePayment.objects.get(pk=payment.pk)
    if payment.status != OnlinePayment.Status.SUCCEEDED:
        raise DonorError(_("Hanya pembayaran yang berhasil dapat dikembalikan."))
    if amount is None or amount <= 0:
        raise DonorError(_("Jumlah pengembalian harus lebih dari nol."))
    if amount > payment.amount - _claimed(payment):
        raise DonorError(_("Pengembalian tidak boleh melebihi jumlah pembayaran yang tersisa."))
    refund = gateway.refund_create(
        payment_intent_id=payment.payment_intent_id,
        amount=amount,
        idempotency_key=f"kenanga-refund-{payment.pk}-{payment.refunded_amount}-{amount}",
    )
    audit_log(
        payment,
        "donors.online_payment.refund_requested",
        actor=actor,
        changes={"amount": amount, "refund": refund.id},
    )
    return refund.id


# --- refunds and disputes the fund could not cover ----------------------------------------------
SETTLERS = frozenset({Role.FUND_MANAGER, Role.TREASURER})


def _lock_pending(movement: GatewayMovement) -> tuple[OnlinePayment, GatewayMovement]:
    # The payment first, then the movement: the webhook takes them in this order too.
    payment = OnlinePayment.objects.select_for_update().get(pk=movement.payment_id)
    movement = GatewayMovement.objects.select_for_update().get(pk=movement.pk)
    if movement.status != GatewayMovement.Status.PENDING:
        raise DonorError(_("Mutasi gateway ini sudah dibukukan."))
    return payment, movement


def _settled(movement: GatewayMovement, actor, action: str, **changes) -> None:
    movement.settled_by, movement.settled_at = actor, timezone.now()
    movement.save(update_fields=["settled_by", "settled_at"])
    audit_log(movement, f"donors.gateway.{action}", actor=actor, changes=changes)


def _refuse_won_dispute(movement: GatewayMovement) -> None:
    """A pending dispute is asked again before it is booked: one won gave the money back.

    Asked before any row is locked (a call to Stripe), so no writer waits on it.
    """
    if movement.kind != GatewayMovement.Kind.DISPUTE:
        return
    if gateway.dispute_retrieve(movement.stripe_id).status in DISPUTES_WON:
        raise DonorError(
            _(
                "Stripe menyatakan sengketa %(id)s dimenangkan: uangnya kembali, jadi sumbangan "
                "tidak dibalik."
            )
            % {"id": movement.stripe_id}
        )


@transaction.atomic
def gateway_movement_book(*, movement: GatewayMovement, actor) -> GatewayMovement:
    """Book a pending refund or dispute now that its fund and the gateway hold enough."""
    if not (getattr(actor, "roles", frozenset()) & SETTLERS):
        raise DonorError(_("Hanya pengelola dana atau bendahara yang dapat membukukan ini."))
    _refuse_won_dispute(movement)
    payment, movement = _lock_pending(movement)
    _movement_book(payment, movement, actor=actor)
    _settled(movement, actor, "movement_booked", amount=movement.amount)
    return movement


def cover_shortfall(movement: GatewayMovement) -> tuple[Decimal, Decimal]:
    """Return what the gift's fund and the gateway balance lack to book the movement now."""
    need = movement.amount
    return (
        max(ZERO, need - ledger.fund_available(fund=movement.payment.fund)),
        max(ZERO, need - ledger.location_available(movement.payment.location)),
    )


@transaction.atomic
def gateway_movement_cover_propose(
    *, movement: GatewayMovement, fund, location, reason: str, actor
) -> GatewayMovement:
    """Propose to cover a pending refund from an unrestricted fund (another person approves).

    `fund` pays what the gift's fund lacks; `location` (the bank Stripe debits
    when its balance runs short) pays what the gateway balance lacks.
    """
    reason = (reason or "").strip()
    if Role.FUND_MANAGER not in getattr(actor, "roles", frozenset()):
        raise DonorError(_("Hanya pengelola dana yang dapat mengusulkan penutupan."))
    if not reason:
        raise DonorError(_("Alasan penutupan wajib diisi."))
    _payment, movement = _lock_pending(movement)
    if fund is None or fund.restriction != ledger.Fund.Restriction.UNRESTRICTED:
        raise DonorError(_("Penutupan hanya dari dana tanpa pembatasan."))
    if not fund.is_active or fund.pk == movement.payment.fund_id:
        raise DonorError(_("Pilih dana tanpa pembatasan lain yang aktif."))
    if location is None or not location.is_active or location.pk == movement.payment.location_id:
        raise DonorError(_("Pilih rekening yang menutup kekurangan saldo gateway."))
    movement.cover_fund, movement.cover_location = fund, location
    movement.cover_reason, movement.proposed_by = reason, actor
    movement.save(update_fields=["cover_fund", "cover_location", "cover_reason", "proposed_by"])
    audit_log(
        movement,
        "donors.gateway.cover_proposed",
        actor=actor,
        changes={"fund": fund.code, "location": location.code, "reason": reason},
    )
    return movement


@transaction.atomic
def gateway_movement_cover_approve(
    *, movement: GatewayMovement, actor, seen: tuple[int, int, str] | None = None
) -> GatewayMovement:
    """Approve a proposed cover: move the shortfall in, then book the refund, all at once.

    `seen` is the proposal (fund pk, location pk, reason) the approver was shown: a
    proposal changed since is refused, so nobody approves money they did not see.
    """
    if not (getattr(actor, "roles", frozenset()) & SETTLERS):
        raise DonorError(_("Hanya pengelola dana lain atau bendahara yang dapat menyetujui."))
    _refuse_won_dispute(movement)
    payment, movement = _lock_pending(movement)
    if movement.proposed_by_id is None:
        raise DonorError(_("Belum ada usulan penutupan untuk disetujui."))
    if movement.proposed_by_id == actor.pk:
        raise DonorError(_("Pengusul tidak boleh menyetujui usulannya sendiri."))
    if seen is not None and seen != (
        movement.cover_fund_id,
        movement.cover_location_id,
        movement.cover_reason,
    ):
        raise DonorError(
            _("Usulan berubah sejak halaman ini dibuka: periksa lagi sebelum menyetujui.")
        )
    cover = movement.cover_fund
    if not cover.is_active or cover.restriction != ledger.Fund.Restriction.UNRESTRICTED:
        # Checked again: the fund may have been closed or restricted since the proposal.
        raise DonorError(_("Penutupan hanya dari dana tanpa pembatasan."))
    fund_short, location_short = cover_shortfall(movement)
    date = timezone.localdate()
    label = {"id": movement.stripe_id, "r": movement.cover_reason}
    try:
        if fund_short:
            ledger.transfer_record(
                source=movement.cover_fund,
                target=payment.fund,
                amount=fund_short,
                date=date,
                description=_("Penutupan pengembalian %(id)s: %(r)s") % label,
                actor=actor,
                reference=movement,
            )
        if location_short:
            ledger.money_move(
                source=movement.cover_location,
                target=payment.location,
                amount=location_short,
                date=date,
                description=_("Kekurangan saldo gateway untuk %(id)s: %(r)s") % label,
                actor=actor,
                reference=movement,
            )
    except ledger.LedgerError as exc:
        raise DonorError(str(exc)) from exc
    _movement_book(payment, movement, actor=actor)
    _settled(
        movement,
        actor,
        "cover_approved",
        fund_short=fund_short,
        location_short=location_short,
        proposed_by=movement.proposed_by_id,
    )
    return movement
