"""Disbursements: a school batch of 5.000 pupils, approvals racing on one fund, page query counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/run.py disbursements

1. A batch of 5.000 pupils (CSV) from file to approved through the real
   services (batch_create: read, check every line set-wise, insert; then
   batch_approve): wall time and rows/s.
2. Approvals per second: 400 requests on one fund approved by 4 threads at
   once (each approval locks its request, the household, the fund account).
3. Query counts of the household aid-history page and the coverage page with
   a small registry and again with 100.000 households and 50.000 paid
   disbursements: they must not grow with the data.

The 100.000 households and 50.000 paid requests of step 3 are inserted
directly (bulk_create, with synthetic ledger transactions outside the hash
chain), because only their number matters for the query counts; everything
measured in steps 1 and 2 goes through the services.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid
from decimal import Decimal

HOUSEHOLDS = int(os.environ.get("BENCH_DISB_HOUSEHOLDS", "100000"))
DISBURSEMENTS = int(os.environ.get("BENCH_DISB_PAID", "50000"))
PUPILS = int(os.environ.get("BENCH_DISB_PUPILS", "5000"))
APPROVALS = 400
THREADS = 4


def _households(n, villages, *, start, with_pupil, head):
    """Insert n households with one member (a pupil) and a valid card; return them."""
    from beneficiaries.models import Card, Household, Membership, Person
    from beneficiaries.services import kk_hash, nik_hash

    today = dt.date.today()
    homes, people = [], []
    for i in range(start, start + n):
        village = villages[i % len(villages)]
        kk = f"{village.replace('.', '')[:6]}{i // 9999 + 1:02d}0120{i % 9999 + 1:04d}"
        homes.append(Household(kk_number=kk, kk_hash=kk_hash(kk), village_id=village, grade="poor"))
        nik = f"{village.replace('.', '')[:6]}{i // 9999 % 28 + 1:02d}0112{i % 9999 + 1:04d}"
        people.append(
            Person(
                nik=nik,
                nik_hash=nik_hash(nik),
                name=f"Murid {i}",
                sex="L",
                birth_date=dt.date(2012, 1, 1),
                school_level="sd" if with_pupil else "",
            )
        )
    Household.objects.bulk_create(homes, batch_size=2000)
    Person.objects.bulk_create(people, batch_size=2000)
    Membership.objects.bulk_create(
        [
            Membership(household=h, person=p, relation="head", started_on=today)
            for h, p in zip(homes, people, strict=True)
        ],
        batch_size=2000,
    )
    Card.objects.bulk_create(
        [
            Card(
                number=f"B-{start + k}",
                household=h,
                grade="poor",
                valid_from=today - dt.timedelta(days=10),
                valid_until=today + dt.timedelta(days=300),
                issued_by=head,
            )
            for k, h in enumerate(homes)
        ],
        batch_size=2000,
    )
    return list(zip(homes, people, strict=True))


def _page_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def run() -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from beneficiaries.models import Region
    from core.demo import seed_organisation
    from core.models import User
    from core.services import user_roles_set
    from disbursements.models import DisbursementRequest, Payment, Policy, ProgrammeRule
    from disbursements.services import batch_approve, batch_create, disbursement_approve
    from funds.models import Fund, MoneyLocation, Posting, Programme, Transaction
    from funds.services import contribution_record

    settings.ALLOWED_HOSTS = ["*"]
    seed_organisation()
    users = {}
    for role in ("verifier", "treasurer", "head", "auditor"):
        user = User.objects.create_user(email=f"{role}@bench.test", password="x")
        user_roles_set(user=user, roles=[role], actor=None)
        users[role] = User.objects.get(pk=user.pk)
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="33.14")
        .order_by("code")
        .values_list("code", flat=True)
    )
    fund = Fund.objects.create(code="infak", name="Infak")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind="bank")
    contribution_record(
        fund=fund,
        location=bank,
        amount=Decimal("10000000000"),
        date=dt.date.today(),
        description="Saldo",
        reference=None,
        actor=None,
    )
    Policy.objects.create(second_approval_above=Decimal("100000000000"))
    school = Programme.objects.get(code="pendidikan")
    darurat = Programme.objects.get(code="darurat")
    result = {}

    # 1. The school batch, from file to approved.
    pupils = _households(PUPILS, villages, start=0, with_pupil=True, head=users["head"])
    lines = ["NIK;NAMA;JUMLAH;SEKOLAH"] + [
        f"{p.nik};{p.name};375.000;SDN {k % 40 + 1} Sragen" for k, (_h, p) in enumerate(pupils)
    ]
    data = ("\n".join(lines) + "\n").encode()
    import core.imports  # noqa: F401 - pandas loads once per server process, not per file

    started = time.perf_counter()
    batch = batch_create(
        data=data, filename="murid.csv", programme=school, fund=fund, actor=users["verifier"]
    )
    created = time.perf_counter() - started
    batch_approve(batch=batch, actor=users["head"])
    total = time.perf_counter() - started
    result["batch_pupils"] = PUPILS
    result["batch_file_to_submitted_s"] = round(created, 2)
    result["batch_file_to_approved_s"] = round(total, 2)
    result["batch_rows_per_s"] = round(PUPILS / total)

    # 2. Approvals per second, four approvers at once on one fund.
    homes = _households(APPROVALS, villages, start=PUPILS, with_pupil=False, head=users["head"])
    rule = ProgrammeRule.objects.filter(programme=darurat).first()
    requests = DisbursementRequest.objects.bulk_create(
        [
            DisbursementRequest(
                number=f"PB-BENCH-{k}",
                programme=darurat,
                rule=rule,
                household=h,
                fund=fund,
                amount=Decimal("1000000"),
                desa=h.village_id,
                kecamatan=h.village_id[:8],
                payee_kind="household",
                payee_name="x",
                requested_by=users["verifier"],
            )
            for k, (h, _p) in enumerate(homes)
        ]
    )
    chunks = [requests[i::THREADS] for i in range(THREADS)]
    errors = []

    def approve(chunk):
        try:
            for req in chunk:
                disbursement_approve(request=req, actor=users["treasurer"])
        except Exception as exc:  # noqa: BLE001 - reported in the result
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    result["approvals_concurrent"] = APPROVALS
    result["approvals_per_s_4_threads"] = round(APPROVALS / elapsed, 1)
    result["approval_errors"] = len(errors)

    # 3. Page query counts, small and then large.
    client = Client()
    client.force_login(users["auditor"])
    sample = homes[0][0]
    history = reverse("disbursements:household", kwargs={"pk": sample.pk})
    coverage = reverse("disbursements:coverage")
    result["queries_small_history"] = _page_queries(client, history)
    result["queries_small_coverage"] = _page_queries(client, coverage)
    result["queries_small_coverage_desa"] = _page_queries(
        client, coverage + f"?desa={sample.village_id}"
    )

    more = max(HOUSEHOLDS - PUPILS - APPROVALS, 0)
    big = _households(
        more, villages, start=PUPILS + APPROVALS, with_pupil=False, head=users["head"]
    )
    paid = big[:DISBURSEMENTS]
    base = Transaction.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    million = Decimal("1000000")
    with transaction.atomic():  # the database checks each transaction is balanced at commit
        txns = Transaction.objects.bulk_create(
            [
                Transaction(
                    sequence=base + 1 + k,
                    kind="disbursement",
                    date=dt.date.today(),
                    description="bench",
                    programme="darurat",
                    hash=uuid.uuid4().hex * 2,
                )
                for k in range(len(paid))
            ],
            batch_size=5000,
        )
        Posting.objects.bulk_create(
            [
                Posting(transaction=t, account=account, amount=amount, balance_after=Decimal("0"))
                for t in txns
                for account, amount in ((fund.account, million), (bank.account, -million))
            ],
            batch_size=10000,
        )
    reqs = DisbursementRequest.objects.bulk_create(
        [
            DisbursementRequest(
                number=f"PB-BIG-{k}",
                programme=darurat,
                rule=rule,
                household=h,
                fund=fund,
                amount=Decimal("1000000"),
                paid_amount=Decimal("1000000"),
                desa=h.village_id,
                kecamatan=h.village_id[:8],
                status="paid",
                payee_kind="household",
                payee_name="x",
                requested_by=users["verifier"],
            )
            for k, (h, _p) in enumerate(paid)
        ],
        batch_size=5000,
    )
    Payment.objects.bulk_create(
        [
            Payment(
                request=r,
                transaction=t,
                amount=r.amount,
                method="cash",
                location=bank,
                date=dt.date.today(),
                idempotency_key=f"big-{r.pk}",
                paid_by=users["treasurer"],
            )
            for r, t in zip(reqs, txns, strict=True)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    result["households"] = PUPILS + APPROVALS + more
    result["paid_disbursements"] = len(paid)
    result["queries_large_history"] = _page_queries(client, history)
    started = time.perf_counter()
    result["queries_large_coverage"] = _page_queries(client, coverage)
    result["coverage_page_s_large"] = round(time.perf_counter() - started, 2)
    result["queries_large_coverage_desa"] = _page_queries(
        client, coverage + f"?desa={sample.village_id}"
    )
    return result
