"""The edge to Stripe: the only module that calls the stripe library.

Amounts cross this edge as exact `Decimal` rupiah going out and as Stripe's
minor units (sen: IDR is a two-decimal currency at Stripe) coming in; nothing
inside Kenanga ever holds minor units.
"""

from __future__ import annotations

from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from core.money import format_rupiah, quantize, to_minor_units
from donors.errors import DonorError

CURRENCY = "idr"


def _client() -> None:
    if not settings.STRIPE_SECRET_KEY:
        raise DonorError(_("Pembayaran kartu belum diaktifkan (kunci Stripe belum diatur)."))
    stripe.api_key = settings.STRIPE_SECRET_KEY
    if settings.STRIPE_API_BASE:
        stripe.api_base = settings.STRIPE_API_BASE.rstrip("/")


def is_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def from_minor_units(value: int) -> Decimal:
    """Return Stripe's minor units (sen) as rupiah."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise DonorError(_("Jumlah dari gateway tidak sah."))
    return quantize(Decimal(value) / 100)


def check_card_amount(amount: Decimal) -> Decimal:
    """Refuse amounts Stripe would refuse or round: below the minimum, or not whole rupiah."""
    if amount is None or amount <= 0:
        raise DonorError(_("Jumlah pembayaran harus lebih dari nol."))
    if amount != amount.to_integral_value():
        raise DonorError(_("Pembayaran kartu harus dalam rupiah penuh (tanpa sen)."))
    minimum = Decimal(settings.STRIPE_MINIMUM_IDR)
    if amount < minimum:
        raise DonorError(
            _("Pembayaran kartu paling sedikit %(min)s.") % {"min": format_rupiah(minimum)}
        )
    return quantize(amount)


def payment_intent_create(*, amount: Decimal, metadata: dict, idempotency_key: str):
    """Create a PaymentIntent for `amount` rupiah; return (id, client_secret)."""
    _client()
    try:
        intent = stripe.PaymentIntent.create(
            amount=to_minor_units(check_card_amount(amount)),
            currency=CURRENCY,
            metadata={k: str(v) for k, v in metadata.items()},
            payment_method_types=["card"],
            idempotency_key=idempotency_key,
        )
    except stripe.StripeError as exc:
        raise DonorError(_("Gateway menolak: %(m)s") % {"m": exc.user_message or exc}) from exc
    return intent.id, intent.client_secret


def payment_intent_attach_card(*, payment_intent_id: str, card: str):
    """Attach a card tokenised by Stripe.js in the browser and confirm; return the intent."""
    _client()
    try:
        stripe.PaymentIntent.modify(payment_intent_id, payment_method=card)
        return stripe.PaymentIntent.confirm(payment_intent_id)
    except stripe.CardError as exc:
        raise DonorError(_("Kartu ditolak: %(m)s") % {"m": exc.user_message or exc}) from exc
    except stripe.StripeError as exc:
        raise DonorError(_("Gateway menolak: %(m)s") % {"m": exc.user_message or exc}) from exc


def payment_intent_retrieve(payment_intent_id: str):
    _client()
    return stripe.PaymentIntent.retrieve(payment_intent_id)


def charge_retrieve(charge_id: str):
    _client()
    return stripe.Charge.retrieve(charge_id)


def charge_fee(charge) -> Decimal:
    """Return the fee Stripe kept on a charge, read from its balance transaction."""
    txn_id = getattr(charge, "balance_transaction", None)
    if not txn_id:
        return Decimal("0.00")
    if not isinstance(txn_id, str):
        txn_id = txn_id.id
    txn = stripe.BalanceTransaction.retrieve(txn_id)
    return from_minor_units(int(txn.fee or 0))


def dispute_retrieve(dispute_id: str):
    _client()
    return stripe.Dispute.retrieve(dispute_id)


def payout_retrieve(payout_id: str):
    _client()
    return stripe.Payout.retrieve(payout_id)


def refund_create(*, payment_intent_id: str, amount: Decimal, idempotency_key: str):
    """Ask Stripe to refund `amount` rupiah of a payment; the webhook books it."""
    _client()
    try:
        return stripe.Refund.create(
            payment_intent=payment_intent_id,
            amount=to_minor_units(amount),
            idempotency_key=idempotency_key,
        )
    except stripe.StripeError as exc:
        raise DonorError(_("Gateway menolak: %(m)s") % {"m": exc.user_message or exc}) from exc


def event_construct(*, payload: bytes, signature: str):
    """Return the verified event, or raise ValueError / SignatureVerificationError."""
    return stripe.Webhook.construct_event(
        payload,
        signature,
        settings.STRIPE_WEBHOOK_SECRET,
        tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
    )


def refunds_list(*, payment_intent_id: str):
    """Return every refund of a payment, as Stripe lists them now."""
    _client()
    return list(stripe.Refund.list(payment_intent=payment_intent_id, limit=100).auto_paging_iter())
