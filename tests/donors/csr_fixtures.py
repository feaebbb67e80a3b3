"""Fixtures of the CSR and card payment tests: localstripe, signed events, a partner, a ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile

WEBHOOK_SECRET = "whsec_kenanga_test_secret"
WEBHOOK_PATH = "/donatur/stripe/webhook/"
ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"


def pdf_upload(name="dokumen.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    """Start localstripe on 127.0.0.1 at a free port for this test process."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.donors.localstripe_server", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"localstripe did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def stripe_env(settings, localstripe_url):
    """Point Kenanga and the stripe library at localstripe."""
    import stripe

    old_base = stripe.api_base
    settings.STRIPE_SECRET_KEY = "sk_test_kenanga"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_kenanga"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    settings.STRIPE_GATEWAY_LOCATION = "stripe"
    settings.STRIPE_PAYOUT_LOCATION = "bank-jateng"
    requests.post(f"{localstripe_url}/_config/fee", data={"bps": 0}, timeout=5)
    yield SimpleNamespace(url=localstripe_url)
    stripe.api_base = old_base


def localstripe_fee(url: str, bps: int) -> None:
    requests.post(f"{url}/_config/fee", data={"bps": bps}, timeout=5)


def localstripe_webhook(url: str, target: str) -> None:
    """Register Kenanga's webhook with localstripe, which then signs and delivers real events."""
    response = requests.post(
        f"{url}/_config/webhooks/kenanga",
        data={"url": target, "secret": WEBHOOK_SECRET},
        timeout=5,
    )
    response.raise_for_status()


def sign(body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Return a Stripe-Signature header made with Stripe's real scheme (HMAC-SHA256 of t.body)."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def event(
    kind: str, obj: dict, *, event_id: str | None = None, created: int | None = None
) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:20]}",
            "object": "event",
            "type": kind,
            "created": created if created is not None else int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def deliver(client, body: bytes, signature: str | None = None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(WEBHOOK_PATH, data=body, content_type="application/json", **headers)


@pytest.fixture
def csr_books(db, org, personas):
    """Return the funds and money locations card gifts and payouts use."""
    from funds.models import Fund, MoneyLocation

    umum = Fund.objects.create(code="csr-umum", name="Dana CSR umum")
    publik = Fund.objects.create(code="donasi-publik", name="Donasi publik")
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    gateway = MoneyLocation.objects.create(
        code="stripe", name="Saldo Stripe", kind=MoneyLocation.Kind.GATEWAY
    )
    return SimpleNamespace(umum=umum, publik=publik, bank=bank, gateway=gateway)


@pytest.fixture
def partner(db, personas):
    """Return the CSR persona's company, signed up and verified by the fund manager."""
    from donors.csr import partner_register, partner_verify

    company = partner_register(
        user=personas["csr_partner"],
        legal_name="PT Semen Gresik Tbk",
        npwp="01.234.567.8-901.000",
        contact_name="Dewi Lestari",
        contact_phone="0811222333",
        document=pdf_upload(),
    )
    return partner_verify(partner=company, approve=True, actor=personas["fund_manager"])


def accepted_cash_pledge(partner, personas, fund=None, *, total="3000000", schedule=None, **kw):
    """Draft, submit and accept a cash pledge; return it."""
    from donors.csr import pledge_accept, pledge_create, pledge_submit

    today = dt.date.today()
    schedule = schedule or [
        (today - dt.timedelta(days=10), Decimal("1000000")),
        (today + dt.timedelta(days=3), Decimal("1000000")),
        (today + dt.timedelta(days=60), Decimal("1000000")),
    ]
    pledge = pledge_create(
        partner=partner,
        kind="cash",
        title=kw.pop("title", "Bantuan sekolah 2026"),
        total_amount=Decimal(total),
        agreement_number="PKS/001/CSR/2026",
        schedule=schedule,
        actor=partner.user,
        **kw,
    )
    pledge_submit(pledge=pledge, actor=partner.user)
    return pledge_accept(pledge=pledge, fund=fund, actor=personas["fund_manager"])


def paid_at_localstripe(payment, card: str = "pm_card_visa"):
    """Pay a started payment at localstripe the way the card page does (no webhook involved)."""
    from donors.payments import online_payment_card

    return online_payment_card(payment=payment, card=card)
