"""Stripe webhook deliveries booked per second under concurrent delivery against one fund.

Every delivery is a signed `payment_intent.succeeded` for its own card payment
into the same fund and the same gateway location, handled exactly as the view
handles it (gateway_event_receive): verify the signature, insert the event id,
lock the payment, fetch the PaymentIntent, its charge and the charge's balance
transaction from localstripe, then book the gift, its receipt and the fee in
the ledger. Measured with 1 and with 8 concurrent deliverers; the time spent
waiting for the ledger's chain-head row lock is timed around that one
statement, and reported as a share of all the time spent in deliveries.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = 160
SECRET = "whsec_bench"


def _start_localstripe():
    import socket

    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.donors.localstripe_server", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{url}/js.stripe.com/v3/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    requests.post(f"{url}/_config/fee", data={"bps": 290}, timeout=5)
    return proc, url


def _payments(count: int, fund, donor):
    from donors.payments import online_payment_card, online_payment_start

    made = []
    for _ in range(count):
        payment = online_payment_start(donor=donor, fund=fund, amount=Decimal("100000"), actor=None)
        online_payment_card(payment=payment, card="pm_card_visa")
        made.append(payment)
    return made


def _deliver_all(payments, workers: int, lock_wait: list[float], account_wait) -> dict:
    import json

    from django.db import connections

    from donors.payments import gateway_event_receive
    from tests.donors.csr_fixtures import event, sign

    bodies = [event("payment_intent.succeeded", {"id": p.payment_intent_id}) for p in payments]
    busy: list[float] = []
    guard = threading.Lock()

    def one(body: bytes) -> str:
        started = time.perf_counter()
        try:
            return gateway_event_receive(payload=body, signature=sign(body, secret=SECRET))
        finally:
            with guard:
                busy.append(time.perf_counter() - started)
            connections.close_all()

    lock_wait.clear()
    account_wait.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        outcomes = list(pool.map(one, bodies))
    wall = time.perf_counter() - started
    assert outcomes.count("booked") == len(bodies), json.dumps(outcomes[:5])
    return {
        "deliveries_per_second": round(len(bodies) / wall, 1),
        "mean_delivery_ms": round(1000 * sum(busy) / len(busy), 1),
        "chain_head_wait_share": round(sum(lock_wait) / sum(busy), 3),
        "account_lock_wait_share": round(sum(account_wait) / sum(busy), 3),
    }


def run() -> dict:
    from django.conf import settings

    import funds.services as ledger_services
    from core.demo import seed_organisation
    from donors.models import Donor
    from funds.models import Fund, MoneyLocation
    from funds.verify import ledger_verify

    proc, url = _start_localstripe()
    try:
        settings.STRIPE_SECRET_KEY = "sk_test_bench"
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_bench"
        settings.STRIPE_WEBHOOK_SECRET = SECRET
        settings.STRIPE_API_BASE = url
        settings.STRIPE_GATEWAY_LOCATION = "bench-gateway"
        seed_organisation()
        fund, _ = Fund.objects.get_or_create(code="bench-csr", defaults={"name": "Bench CSR"})
        MoneyLocation.objects.get_or_create(
            code="bench-gateway", defaults={"name": "Bench gateway", "kind": "gateway"}
        )
        donor = Donor.objects.create(kind="company", name="PT Bench")

        lock_wait: list[float] = []
        account_wait: list[float] = []
        guard = threading.Lock()
        original = ledger_services._lock_heads
        original_accounts = ledger_services._lock_balances

        def timed(fn, into):
            def wrapper(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    with guard:
                        into.append(time.perf_counter() - started)

            return wrapper

        ledger_services._lock_heads = timed(original, lock_wait)
        ledger_services._lock_balances = timed(original_accounts, account_wait)
        try:
            results = {}
            for workers in (1, 8):
                payments = _payments(PAYMENTS // 2 if workers == 1 else PAYMENTS, fund, donor)
                for key, value in _deliver_all(payments, workers, lock_wait, account_wait).items():
                    results[f"{key}_{workers}_workers"] = value
        finally:
            ledger_services._lock_heads = original
            ledger_services._lock_balances = original_accounts
        # Stripe round trips alone, to say what part of a delivery is not ours.
        import stripe

        payment = _payments(1, fund, donor)[0]
        started = time.perf_counter()
        for _ in range(20):
            intent = stripe.PaymentIntent.retrieve(payment.payment_intent_id)
            latest = intent.latest_charge
            charge = stripe.Charge.retrieve(latest if isinstance(latest, str) else latest.id)
            stripe.BalanceTransaction.retrieve(charge.balance_transaction)
        results["three_fetches_ms"] = round(1000 * (time.perf_counter() - started) / 20, 1)
        results["ledger_verify_errors"] = len(ledger_verify())
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=5)
