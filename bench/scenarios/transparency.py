"""Transparency portal (issue 11): public page throughput under load against a bare
Django view on the same gunicorn server, its p99 latency, queries per public page
at a small and a large ledger, and the time to publish a year's report.

The ledger is first filled through the services (a few hundred transactions),
then to KENANGA_BENCH_TRANSP_POSTINGS (default 2.000.000) postings spread over
ten years with `INSERT ... SELECT generate_series` as in bench/scenarios/ledger.py
(gifts to three funds, payments with programme and desa). Every month of the
ten years is then closed through `period_close`, which writes the month
snapshots the reports read.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

TARGET_POSTINGS = int(os.environ.get("KENANGA_BENCH_TRANSP_POSTINGS", 2_000_000))
LOAD_SECONDS = float(os.environ.get("KENANGA_BENCH_LOAD_SECONDS", 8))
CONCURRENCY = int(os.environ.get("KENANGA_BENCH_CONCURRENCY", 4))
YEARS = range(2016, 2026)
PROGRAMMES = ["rtlh", "kesehatan", "pendidikan", "lansia", "darurat"]
DESA = [f"33.14.01.20{n:02d}" for n in range(1, 11)] + [f"33.14.05.20{n:02d}" for n in range(1, 11)]
ROOT = Path(__file__).resolve().parents[2]


def _setup():
    from core.demo import seed_organisation, seed_users
    from funds.models import Fund, MoneyLocation
    from funds.services import contribution_record, payment_record

    org = seed_organisation()
    users = seed_users()
    funds = [
        Fund.objects.create(code="bench-matra", name="MATRA"),
        Fund.objects.create(code="bench-infak", name="Infak"),
        Fund.objects.create(code="bench-csr", name="CSR"),
    ]
    bank = MoneyLocation.objects.create(code="bench-bank", name="Bank", kind="bank")
    manager, treasurer = users["fund_manager"], users["treasurer"]
    for i in range(300):
        day = dt.date(2016 + i % 10, 1 + i % 12, 1 + i % 27)
        contribution_record(
            fund=funds[i % 3],
            location=bank,
            amount=Decimal("100000"),
            date=day,
            description="Sumbangan bench",
            reference=None,
            actor=manager,
        )
        if i % 3 == 0:
            payment_record(
                fund=funds[i % 3],
                location=bank,
                amount=Decimal("50000"),
                date=day,
                description="Bantuan bench",
                reference=None,
                actor=treasurer,
                programme=PROGRAMMES[i % 5],
                area=DESA[i % 20],
            )
    return org, users, funds, bank


def _bulk_load(funds, bank, postings: int) -> float:
    """Add `postings` postings over ten years: 3 gifts to 1 payment, in one statement each."""
    from funds.models import Account, LedgerHead

    accounts = [Account.objects.get(fund=f).pk for f in funds]
    loc = Account.objects.get(location=bank).pk
    head = LedgerHead.objects.get(pk=1)
    start, n = head.last_sequence, postings // 2
    progs = "ARRAY[" + ",".join(f"'{p}'" for p in PROGRAMMES) + "]"
    areas = "ARRAY[" + ",".join(f"'{a}'" for a in DESA) + "]"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"""
            INSERT INTO funds_transaction (sequence, kind, date, description, reference_type,
                reference_id, programme, area, asnaf, hash, prev_hash, created_at, key_id)
            SELECT %(start)s + g,
                   CASE WHEN g %% 4 = 0 THEN 'disbursement' ELSE 'contribution' END,
                   DATE '2016-01-01' + (g %% 3650),
                   'Massal ' || g, '', '',
                   CASE WHEN g %% 4 = 0 THEN ({progs})[1 + g %% 5] ELSE '' END,
                   CASE WHEN g %% 4 = 0 THEN ({areas})[1 + g %% 20] ELSE '' END,
                   '', 'bulk-t-' || (%(start)s + g), '', now(), 'bench'
            FROM generate_series(1, %(n)s) AS g
            """,
            {"start": start, "n": n},
        )
        cursor.execute(
            """
            INSERT INTO funds_posting (transaction_id, account_id, amount, balance_after)
            SELECT t.id,
                   CASE WHEN v.side = 'loc' THEN %(loc)s
                        ELSE (ARRAY[%(f0)s, %(f1)s, %(f2)s])[1 + (t.sequence %% 3)] END,
                   CASE WHEN t.kind = 'contribution'
                        THEN CASE WHEN v.side = 'loc' THEN 1000.00 ELSE -1000.00 END
                        ELSE CASE WHEN v.side = 'loc' THEN -500.00 ELSE 500.00 END END,
                   0
            FROM funds_transaction t CROSS JOIN (VALUES ('loc'), ('fund')) AS v(side)
            WHERE t.sequence > %(start)s
            """,
            {"start": start, "loc": loc, "f0": accounts[0], "f1": accounts[1], "f2": accounts[2]},
        )
        cursor.execute("SELECT hash FROM funds_transaction WHERE sequence = %s", [start + n])
        LedgerHead.objects.filter(pk=1).update(
            last_sequence=start + n, last_hash=cursor.fetchone()[0]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE funds_transaction")
        cursor.execute("ANALYZE funds_posting")
    return time.perf_counter() - started


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(port: int, path: str, seconds: float, concurrency: int) -> dict:
    """Hit `path` from `concurrency` keep-alive clients for `seconds`; return rate and p99."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else None,
        "errors": errors[0],
    }


def _serve(port: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.gunicorn_settings")
    env.setdefault("PUBLIC_PAGE_FRESH_SECONDS", "5")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi_bench:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def run() -> dict:
    from django.core.cache import cache

    from funds.models import Posting
    from funds.services import period_close
    from transparency.periods import Period
    from transparency.services import report_publish

    cache.clear()  # this checkout's own Redis database: no page from an earlier run
    org, users, funds, bank = _setup()
    head = users["head"]
    client = Client(HTTP_HOST="127.0.0.1")
    # Small ledger: close the first year and publish it, count queries of the pages.
    for month in range(1, 13):
        period_close(year=2016, month=month, actor=head, today=dt.date(2100, 1, 1))
    report_publish(period=Period("year", 2016), actor=head)
    small = Posting.objects.count()
    small_queries = {
        "published_year": _queries(client, "/transparansi/?periode=2016"),
        "live_month_cold": _queries(client, "/transparansi/?periode=2017-03"),
        "live_month_warm": _queries(client, "/transparansi/?periode=2017-03"),
    }

    load_seconds = _bulk_load(funds, bank, TARGET_POSTINGS - small)
    big = Posting.objects.count()
    started = time.perf_counter()
    for year in YEARS:
        for month in range(1, 13):
            if (year, month) >= (2017, 1):
                period_close(year=year, month=month, actor=head, today=dt.date(2100, 1, 1))
    close_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = report_publish(period=Period("year", 2025), actor=head)
    publish_seconds = time.perf_counter() - started
    assert report.snapshot["reconciles"]
    big_queries = {
        "published_year": _queries(client, "/transparansi/?periode=2025"),
        "live_month_cold": _queries(client, "/transparansi/?periode=2024-03"),
        "live_month_warm": _queries(client, "/transparansi/?periode=2024-03"),
    }
    started = time.perf_counter()
    from transparency.figures import report_build

    report_build(period=Period("year", 2024))
    live_year_seconds = time.perf_counter() - started

    port = _free_port()
    proc = _serve(port)
    try:
        _load(port, "/bench/bare/", 1, CONCURRENCY)  # warm both workers
        _load(port, "/transparansi/?periode=2025", 1, CONCURRENCY)
        bare = _load(port, "/bench/bare/", LOAD_SECONDS, CONCURRENCY)
        page = _load(port, "/transparansi/?periode=2025", LOAD_SECONDS, CONCURRENCY)
        live = _load(port, "/transparansi/?periode=2024-03", LOAD_SECONDS, CONCURRENCY)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    return {
        "postings_small": small,
        "postings_large": big,
        "bulk_load_seconds": round(load_seconds, 1),
        "close_120_months_seconds_incl_snapshots": round(close_seconds, 1),
        "publish_year_report_seconds_at_large": round(publish_seconds, 2),
        "live_year_figures_uncached_seconds_at_large": round(live_year_seconds, 3),
        "queries_small": small_queries,
        "queries_large": big_queries,
        "bare_view_rps": round(bare["rps"], 1),
        "bare_view_p99_ms": round(bare["p99_ms"], 1),
        "published_page_rps": round(page["rps"], 1),
        "published_page_p50_ms": round(page["p50_ms"], 1),
        "published_page_p99_ms": round(page["p99_ms"], 1),
        "published_page_over_bare": round(page["rps"] / bare["rps"], 3),
        "live_cached_page_rps": round(live["rps"], 1),
        "live_cached_page_p99_ms": round(live["p99_ms"], 1),
        "live_cached_page_over_bare": round(live["rps"] / bare["rps"], 3),
        "errors": bare["errors"] + page["errors"] + live["errors"],
        "load": f"{CONCURRENCY} keep-alive clients x {LOAD_SECONDS:.0f} s, gunicorn -w 2 (sync)",
    }
