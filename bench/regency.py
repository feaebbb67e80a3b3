"""Regency-scale benchmark: `python manage.py bench [--quick]` runs this in a child process.

    DATABASE_URL=postgres://…/kenanga_bench DJANGO_SETTINGS_MODULE=config.settings.bench \
        python -m bench.regency [--quick] [--write-docs]

Builds a regency's data in an empty database with COPY and set-based SQL (not
the ORM), then measures, each figure against a yardstick taken in the same
run on the same machine (absolute times on a shared machine are noisy):

- payroll import rate ÷ COPY of the same rows into the same tables with their
  keys and indexes (and ÷ COPY into a bare table);
- queries, median time and HTML size of the main staff pages at small and at
  full size;
- balance read at full size ÷ at small size;
- ledger writes per second through the services with 1 writer and 8 (on one
  fund, and spread over 8 funds), and where their time goes;
- throughput and p99 of staff and public pages under load (gunicorn on
  loopback, bounded in time) ÷ a bare Django view on the same server.

Prints one table; with --write-docs replaces the generated section of
docs/benchmarks.md, machine included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = {
    "postings": 2_000_000,
    "donors": 21_000,
    "contributions": 350_000,
    "persons": 300_000,
    "audit": 64_000,
    "disbursements": 50_000,
    "csr_pledges": 2_000,
    "payroll_rows": 15_000,
    "page_repeats": 5,
    "load_seconds": 15,
    "writes": 200,
}
QUICK = {
    "postings": 20_000,
    "donors": 500,
    "contributions": 3_500,
    "persons": 3_000,
    "audit": 640,
    "disbursements": 500,
    "csr_pledges": 40,
    "payroll_rows": 1_000,
    "page_repeats": 1,
    "load_seconds": 2,
    "writes": 24,
}
MARK_START = "<!-- bench:regency:start (written by manage.py bench) -->"
MARK_END = "<!-- bench:regency:end -->"
PAGES_START = "<!-- bench:pages:start (written by manage.py bench --pages) -->"
PAGES_END = "<!-- bench:pages:end -->"


@dataclass
class Report:
    sizes: dict
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (measure, value, limit)

    def add(self, measure: str, value, limit: str = "") -> None:
        self.rows.append((measure, str(value), limit))
        print(f"  {measure:<62} {value!s:>16}  {limit}", flush=True)


def machine() -> str:
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, "
        f"Python {platform.python_version()}, PostgreSQL {pg}, load average {load:.1f} at start"
    )


# --- data -------------------------------------------------------------------------------------
def _base():
    from donors.models import Opd, Scheme
    from funds.models import Fund, MoneyLocation

    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=fund, deposit_location=bank)
    opds = [Opd.objects.create(code=f"OPD{i:02d}", name=f"Dinas {i}") for i in range(40)]
    return fund, bank, scheme, opds


def _users():
    """Return one user per role ({role: user}); made on the first run, found on a rerun."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from core.models import User
    from core.roles import Role
    from core.services import user_roles_set

    people = {}
    for role in Role:
        user = User.objects.filter(email=f"{role}@bench.test").first()
        if user is None:
            user = User.objects.create_user(email=f"{role}@bench.test", password="bench-password-1")
            user_roles_set(user=user, roles=[role], actor=None)
            user = User.objects.get(pk=user.pk)
        if user.needs_mfa and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        people[str(role)] = user
    return people


def _nip(i: int) -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=i % 12000)
    return f"{birth:%Y%m%d}{birth.year + 25}{(i % 12) + 1:02d}{(i % 2) + 1}{i % 999 + 1:03d}"


def generate(sizes: dict, fund, bank, scheme, opds, people) -> dict:
    """Fill the database to `sizes` by COPY and set-based SQL; return seconds per part."""
    from bench.scenarios import households, ledger
    from beneficiaries.models import ImportBatch, Region
    from beneficiaries.national_list import file_digest, national_list_commit, parse_national_list
    from core.models import AuditEntry
    from donors.bulk import insert_rows
    from donors.models import Contribution, Donor, Enrolment, Receipt
    from funds.models import Transaction

    seconds: dict = {}
    started = time.perf_counter()
    ledger._bulk_load(fund, bank, sizes["postings"])
    seconds["postings"] = time.perf_counter() - started

    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    blank = Donor._meta.get_field("phone").get_prep_value("")
    nips = list(dict.fromkeys(_nip(i) for i in range(sizes["donors"] * 2)))[: sizes["donors"]]
    donor_ids = insert_rows(
        Donor,
        ["kind", "name", "nip", "rank", "position", "job_title", "opd_id", "npwp"]
        + ["institution_type", "email", "phone", "address", "display", "name_consent_on"]
        + ["user_id", "merged_into_id", "is_active", "created_at"],
        [
            ("pns", f"Pegawai {i}", nip, "", "staff", "", opds[i % len(opds)].pk, "", "", "")
            + (blank, blank, "anonymous", None, None, None, True, now)
            for i, nip in enumerate(nips)
        ],
    )
    insert_rows(
        Enrolment,
        ["donor_id", "scheme_id", "monthly_amount", "start", "created_at"],
        [(d, scheme.pk, Decimal(100000), dt.date(2016, 1, 1), now) for d in donor_ids],
    )
    tx_ids = list(Transaction.objects.order_by("sequence").values_list("pk", flat=True)[:5000])
    per_donor = max(1, sizes["contributions"] // len(donor_ids))
    rows = []
    for n in range(sizes["contributions"]):
        donor = donor_ids[n // per_donor % len(donor_ids)]
        month = dt.date(2016 + (n % per_donor) // 12 % 10, (n % per_donor) % 12 + 1, 1)
        rows.append(
            (donor, fund.pk, bank.pk, Decimal(100000), month + dt.timedelta(days=24), month)
            + ("payroll", "recorded", None, None, "", "", "", tx_ids[n % len(tx_ids)], "", None)
            + (now,)
        )
    contribution_ids = insert_rows(
        Contribution,
        ["donor_id", "fund_id", "location_id", "amount", "date", "period", "channel", "status"]
        + ["payroll_import_id", "enrolment_id", "flag", "note", "proof", "transaction_id"]
        + ["reversal_reason", "created_by_id", "created_at"],
        rows,
    )
    insert_rows(
        Receipt,
        ["contribution_id", "year", "number", "issued_on", "is_zakat", "token", "status"]
        + ["void_reason", "voided_at"],
        [
            (cid, 1900 + n // 1_000_000, n % 1_000_000 + 1, dt.date(2020, 1, 1), False)
            + (f"bench{n:027d}", "valid", "", None)
            for n, cid in enumerate(contribution_ids)
        ],
    )
    seconds["donors_contributions_receipts"] = time.perf_counter() - started

    started = time.perf_counter()
    rng = random.Random(33)  # noqa: S311
    villages = [
        code.replace(".", "")
        for code in Region.objects.filter(
            level=Region.Level.VILLAGE, code__startswith="33.14"
        ).values_list("code", flat=True)
    ]
    # Files of at most 100.000 person rows, as the national list is delivered (and under
    # the upload limit); each one goes through the real import.
    remaining, file_no, household_count = sizes["persons"], 0, 0
    while remaining > 0:
        households.ROWS_PER_FILE = min(remaining, 100_000)
        person_rows = households._rows(rng, villages, file_no)
        data = households._csv(person_rows)
        parsed = parse_national_list(data, filename=f"bench-{file_no}.csv")
        if parsed.errors:
            raise RuntimeError(f"bench rows invalid: {[str(e) for e in parsed.errors[:3]]}")
        batch = ImportBatch.objects.create(
            source="dtks",
            as_of=dt.date(2025, file_no + 1, 28),
            filename=f"bench-{file_no}.csv",
            file_sha256=file_digest(data),
        )
        national_list_commit(batch=batch, parsed=parsed, actor=people["verifier"])
        household_count += len(parsed.households)
        remaining -= len(person_rows)
        file_no += 1
    seconds["households_persons (real import)"] = time.perf_counter() - started
    seconds["households_count"] = household_count

    started = time.perf_counter()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (at, actor_id, actor_label, action, object_type,"
            " object_id, object_repr, changes, ip_address, sequence, hash, prev_hash, key_id)"
            " SELECT now() - (g || ' minutes')::interval, %s, 'bench', 'bench.generated', 'bench',"
            " g::text, 'bench ' || g, '{}'::jsonb, NULL, 1000000000 + g, 'bench-' || g, '',"
            " 'bench' FROM generate_series(1, %s) g",
            [people["head"].pk, sizes["audit"]],
        )
    seconds["audit_entries"] = time.perf_counter() - started
    assert AuditEntry.objects.count() >= sizes["audit"]

    started = time.perf_counter()
    generate_disbursements(sizes["disbursements"], fund, bank, people)
    seconds["disbursements (paid, with payment and transaction)"] = time.perf_counter() - started
    started = time.perf_counter()
    seconds["cards valid today"] = generate_cards(people)
    generate_csr(sizes["csr_pledges"], fund, people)
    seconds["CSR partners and pledges"] = time.perf_counter() - started
    # A regency closes its books monthly: every month up to last year's end is closed
    # (this year stays open for the writes measured below), with its snapshot.
    started = time.perf_counter()
    seconds["months closed"] = close_months(people, dt.date(dt.date.today().year - 1, 12, 1))
    seconds["closing the months (snapshots)"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def generate_disbursements(count: int, fund, bank, people) -> None:
    """Insert `count` paid requests for help, each with its payment and ledger transaction.

    Most are closed (evidence filed); one in fifty is paid and still open.

    Set-based SQL, like the postings: the requests go to the registry's households in
    turn, dated through 2025; the ledger rows carry placeholder hashes (a bench
    database is for timing, not for verify_ledger) and the stored running balances
    and ledger head move forward by exactly what was inserted.
    """
    from django.db import connection, transaction

    from disbursements.models import DisbursementRequest, ProgrammeRule
    from funds.models import Account, LedgerHead

    rule = ProgrammeRule.objects.select_related("programme").get(
        programme__code="darurat", valid_from__lte=dt.date(2025, 1, 1)
    )
    amount = Decimal("10000")
    fund_acc, bank_acc = Account.objects.get(fund=fund), Account.objects.get(location=bank)
    head = LedgerHead.objects.get(pk=1)
    start = head.last_sequence
    params = {
        "n": count,
        "start": start,
        "amount": amount,
        "fund": fund.pk,
        "bank": bank.pk,
        "fund_acc": fund_acc.pk,
        "bank_acc": bank_acc.pk,
        "fund_base": fund_acc.balance,
        "bank_base": bank_acc.balance,
        "programme": rule.programme_id,
        "rule": rule.pk,
        "verifier": people["verifier"].pk,
        "treasurer": people["treasurer"].pk,
        "blank": DisbursementRequest._meta.get_field("payee_account").get_prep_value(""),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO funds_transaction (sequence, kind, date, description, reference_type,
                reference_id, programme, area, asnaf, hash, prev_hash, created_at, key_id)
            SELECT %(start)s + g, 'disbursement', DATE '2025-01-01' + (g %% 360),
                   'Bantuan ' || g, 'disbursements.payment', '', 'darurat', '', '',
                   'bulk-' || (%(start)s + g), '', now(), 'bench'
            FROM generate_series(1, %(n)s) AS g
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO funds_posting (transaction_id, account_id, amount, balance_after)
            SELECT t.id, v.account_id, v.amount, v.base - (t.sequence - %(start)s) * %(amount)s
            FROM funds_transaction t
            CROSS JOIN (VALUES (%(fund_acc)s, %(amount)s, %(fund_base)s::numeric),
                               (%(bank_acc)s, -%(amount)s, %(bank_base)s::numeric))
                 AS v(account_id, amount, base)
            WHERE t.sequence > %(start)s
            """,
            params,
        )
        cursor.execute(
            """
            WITH hh AS (SELECT array_agg(id ORDER BY id) AS ids,
                               array_agg(village_id ORDER BY id) AS villages
                        FROM beneficiaries_household)
            INSERT INTO disbursements_disbursementrequest (number, programme_id, rule_id,
                household_id, fund_id, amount, paid_amount, desa, kecamatan, asnaf,
                school_year, period, payee_kind, payee_name, payee_account, note,
                publication_consent,
                photos_consent, status, check_token, requested_by_id, requested_at,
                approved_by_id, approved_at, decided_reason, closed_on)
            SELECT 'PB-BENCH-' || g, %(programme)s, %(rule)s,
                   hh.ids[1 + (g - 1) %% cardinality(hh.ids)], %(fund)s, %(amount)s,
                   %(amount)s, hh.villages[1 + (g - 1) %% cardinality(hh.ids)],
                   left(hh.villages[1 + (g - 1) %% cardinality(hh.ids)], 8), '', '', '',
                   'household', 'Penerima ' || g, %(blank)s, '', false, false,
                   CASE WHEN g %% 50 = 0 THEN 'paid' ELSE 'closed' END,
                   md5('bench-request-' || g), %(verifier)s,
                   TIMESTAMPTZ '2025-01-01' + (g %% 360) * interval '1 day', %(treasurer)s,
                   TIMESTAMPTZ '2025-01-01' + (g %% 360) * interval '1 day', '',
                   CASE WHEN g %% 50 = 0 THEN NULL ELSE DATE '2025-01-15' + (g %% 360) END
            FROM generate_series(1, %(n)s) AS g, hh
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO disbursements_payment (request_id, transaction_id, amount, method,
                location_id, bank_reference, date, stage_note, idempotency_key, paid_by_id,
                created_at, payee_account)
            SELECT r.id, t.id, %(amount)s, 'cash', %(bank)s, '', t.date, '',
                   'bench-' || r.id, %(treasurer)s, now(), %(blank)s
            FROM disbursements_disbursementrequest r
            JOIN funds_transaction t
              ON t.sequence = %(start)s + substring(r.number FROM 10)::bigint
            WHERE r.number LIKE 'PB-BENCH-%%'
            """,
            params,
        )
        cursor.execute(
            "UPDATE funds_transaction t SET reference_id = p.id::text"
            " FROM disbursements_payment p WHERE p.transaction_id = t.id AND t.sequence > %s",
            [start],
        )
        spent = amount * count
        for acc in (fund_acc, bank_acc):
            Account.objects.filter(pk=acc.pk).update(
                balance=acc.balance - spent, posting_count=acc.posting_count + count
            )
        cursor.execute("SELECT hash FROM funds_transaction WHERE sequence = %s", [start + count])
        LedgerHead.objects.filter(pk=1).update(
            last_sequence=start + count, last_hash=cursor.fetchone()[0]
        )


def generate_cards(people) -> int:
    """Give four in five households a card valid today (a registry with its cards issued)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO beneficiaries_card (number, grade, valid_from, valid_until, check_token,
                issued_at, issued_by_id, household_id)
            SELECT 'KM-BENCH-' || h.id, coalesce(nullif(h.grade, ''), 'poor'), CURRENT_DATE - 200,
                   CURRENT_DATE + 165,
                   md5('bench-card-' || h.id), now(), %s, h.id
            FROM beneficiaries_household h
            WHERE h.id %% 5 <> 0
              AND NOT EXISTS (SELECT 1 FROM beneficiaries_card c WHERE c.household_id = h.id)
            """,
            [people["head"].pk],
        )
        return cursor.rowcount


def generate_csr(count: int, fund, people) -> None:
    """Make CSR partners (one per 10 pledges) and `count` accepted cash pledges."""
    from core.models import User
    from donors.models import Donor, Partner, Pledge

    partners = []
    for i in range(max(1, count // 10)):
        donor = Donor.objects.create(kind="company", name=f"PT Mitra {i}")
        user = (
            people["csr_partner"]
            if i == 0
            else User.objects.create_user(email=f"mitra{i}@bench.test", password=None)
        )
        partners.append(
            Partner(
                donor=donor,
                user=user,
                legal_name=f"PT Mitra Sejahtera {i}",
                npwp=f"{100000000000000 + i}",
                contact_name="Narahubung",
                status=Partner.Status.VERIFIED,
                verified_by=people["fund_manager"],
            )
        )
    Partner.objects.bulk_create(partners)
    Pledge.objects.bulk_create(
        [
            Pledge(
                partner=partners[n % len(partners)],
                kind=Pledge.Kind.CASH,
                title=f"Program CSR {n}",
                total_amount=Decimal("100000000"),
                fund=fund,
                status=Pledge.Status.ACCEPTED,
                accepted_by=people["fund_manager"],
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def close_months(people, until: dt.date) -> int:
    """Close every month from the ledger's first up to `until` (writing its snapshot)."""
    from funds.models import ClosedPeriod, Transaction
    from funds.services import period_close

    first = Transaction.objects.order_by("date").values_list("date", flat=True).first()
    year, month, closed = first.year, first.month, 0
    while dt.date(year, month, 1) <= until:
        if not ClosedPeriod.objects.filter(year=year, month=month).exists():
            period_close(year=year, month=month, actor=people["head"])
            closed += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return closed


# --- measures ---------------------------------------------------------------------------------
def payroll_import_vs_copy(report: Report, sizes: dict, scheme, opds) -> None:
    """Import rate ÷ COPY of the same rows into the same tables (keys, indexes, triggers)."""
    from django.db import connection, transaction

    from bench.common import copy_rate
    from donors.models import Contribution, Opd, Receipt
    from donors.services import payroll_import_commit, payroll_import_prepare

    count = sizes["payroll_rows"]
    opd = Opd.objects.create(code="BENCH", name="Bench OPD")
    rows = [
        (_nip(500_000 + i), f"Pegawai baru {i}", 100000 + (i % 5) * 25000) for i in range(count)
    ]
    data = ("NIP;NAMA;JUMLAH\n" + "\n".join(f"{n};{m};{a}" for n, m, a in rows) + "\n").encode()
    started = time.perf_counter()
    draft, check = payroll_import_prepare(
        data=data,
        filename="bench.csv",
        opd=opd,
        scheme=scheme,
        period=dt.date(2026, 1, 1),
        received_on=dt.date(2026, 1, 26),
        expected_count=None,
        expected_total=None,
        actor=None,
    )
    assert draft is not None, check.errors[:3]
    payroll_import_commit(payroll_import=draft, actor=None)
    import_rate = count / (time.perf_counter() - started)

    # The same number of contribution and receipt rows, COPYed into the real tables
    # (their indexes, foreign keys and guards in place), then rolled back.
    some = Contribution.objects.order_by("pk").values("donor_id", "transaction_id").first()
    quote = connection.ops.quote_name
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = ["donor_id", "fund_id", "location_id", "amount", "date", "period", "channel"]
        columns += ["status", "flag", "note", "proof", "transaction_id", "reversal_reason"]
        columns += ["created_at"]
        now = dt.datetime.now(dt.UTC)
        with cursor.copy(
            f"COPY donors_contribution ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        ) as copy:
            for _ in range(count):
                copy.write_row(
                    (some["donor_id"], scheme.fund_id, scheme.deposit_location_id, 100000)
                    + (dt.date(2026, 2, 26), dt.date(2026, 2, 1), "payroll", "recorded", "", "")
                    + ("", some["transaction_id"], "", now)
                )
        cursor.execute("SELECT id FROM donors_contribution ORDER BY id DESC LIMIT %s", [count])
        new_ids = [r[0] for r in cursor.fetchall()]
        with cursor.copy(
            "COPY donors_receipt (contribution_id, year, number, issued_on, is_zakat, token,"
            " status, void_reason) FROM STDIN"
        ) as copy:
            for n, cid in enumerate(new_ids):
                copy.write_row(
                    (cid, 1899, n + 1, dt.date(2026, 2, 26), False, f"c{n:030d}", "valid", "")
                )
        same_tables_rate = count / (time.perf_counter() - started)
        transaction.set_rollback(True)
    bare = copy_rate([("nip", "text"), ("nama", "text"), ("jumlah", "numeric(17,2)")], rows)
    assert Receipt.objects.filter(year=1899).count() == 0
    report.add(f"payroll import, {count} rows: rows/s", round(import_rate))
    report.add(
        "  ÷ COPY into the same tables (contribution + receipt, keys, indexes)",
        f"{import_rate / same_tables_rate:.2f}",
        f"COPY {round(same_tables_rate)} rows/s",
    )
    report.add(
        "  ÷ COPY into a bare table", f"{import_rate / bare:.3f}", f"COPY {round(bare)} rows/s"
    )


def _pages(people, fund) -> list[tuple[str, str, str]]:
    """Return (name, path, role) of every page a role's menu offers, and the detail pages.

    The list comes from the navigation registry, as the role walk's does, so that a
    page added to a menu is measured without anyone remembering to add it here.
    """
    from django.db.models import Count
    from django.urls import reverse

    from core.registry import menu
    from disbursements.models import DisbursementRequest
    from donors.models import Contribution

    pages: dict[tuple[str, str], str] = {}
    for role, user in people.items():
        pages[("/dasbor/", role)] = "dashboard"
        for group in menu(user):
            for entry in group.entries:
                pages.setdefault((entry.href, role), entry.label)
    # The donor with the longest history: the page that used to show all of it.
    busiest = Contribution.objects.values("donor_id").annotate(n=Count("pk")).order_by("-n").first()
    request = DisbursementRequest.objects.order_by("-pk").first()
    details = [
        ("donor page", f"/donatur/{busiest['donor_id']}/", "auditor"),
        ("new gift form", "/donatur/sumbangan/baru/", "fund_manager"),
        ("fund page", f"/dana/dana/{fund.code}/", "auditor"),
        ("statements PDF", "/dana/laporan/pdf/", "auditor"),
    ]
    if request is not None:
        details += [
            ("request for help", reverse("disbursements:request", args=[request.pk]), "treasurer"),
            ("household page", reverse("beneficiaries:household", args=[request.household_id]))
            + ("verifier",),
            ("aid history", reverse("disbursements:household", args=[request.household_id]))
            + ("auditor",),
        ]
    for name, path, role in details:
        pages.setdefault((path, role), name)
    return [(name, path, role) for (path, role), name in pages.items()]


def measure_pages(people, fund, repeats: int) -> dict:
    """Return {(role, path): (name, queries, ms, SQL ms, CPU ms, KB)} (medians), served in-process.

    SQL ms is the sum of the page's query times as the database driver saw them,
    so that a reader can tell the page's own cost from the machine's load.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    results = {}
    for name, url, role in _pages(people, fund):
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(people[role])
        client = clients[role]
        client.get(url)  # warm caches and imports
        times, sql_times, cpu_times = [], [], []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                if response.streaming:
                    body = b"".join(response.streaming_content)
                times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu_started)
            sql_times.append(sum(float(q["time"]) for q in captured.captured_queries))
            if response.status_code != 200:
                raise RuntimeError(f"{role} {url}: HTTP {response.status_code}")
        if not response.streaming:
            body = response.content
        results[(role, url)] = (
            name,
            len(captured.captured_queries),
            statistics.median(times) * 1000,
            statistics.median(sql_times) * 1000,
            statistics.median(cpu_times) * 1000,
            len(body) / 1024,
        )
    return results


def report_pages(report: Report, full: dict, small: dict | None = None) -> None:
    """Add one row per page: queries (small/full), median ms, SQL ms, CPU ms, KB.

    On a shared machine the wall time mostly measures the others' load; the
    database's time for the page's queries and the web process's own CPU time
    (Python, templates, the driver) are the page's cost, and their sum is what
    it would take on an idle machine.
    """
    for (role, url), (name, queries, ms, sql_ms, cpu_ms, kb) in sorted(
        full.items(), key=lambda item: -(item[1][3] + item[1][4])
    ):
        small_q = f"{small[(role, url)][1]}/" if small and (role, url) in small else ""
        report.add(
            f"page {name} `{url}` ({role}): queries, ms, SQL ms, CPU ms, KB",
            f"{small_q}{queries}, {ms:.0f}, {sql_ms:.0f}, {cpu_ms:.0f}, {kb:.0f}",
            "over 300 ms or 200 KB" if ms > 300 or kb > 200 else "",
        )


def balance_read(fund) -> float:
    from bench.scenarios.ledger import _read_time
    from funds.selectors import fund_balance

    return _read_time(lambda: fund_balance(fund=fund), rounds=3)


def _ledger_accounts(fund, bank):
    """Return eight (fund, location) pairs: the realistic spread of a regency's writers."""
    from funds.models import Fund, MoneyLocation

    locations = [bank] + [
        MoneyLocation.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]
        for code, name, kind in (
            ("bank-jateng", "Bank Jateng", MoneyLocation.Kind.BANK),
            ("kas", "Kas tunai", MoneyLocation.Kind.CASH),
        )
    ]
    funds = [fund] + [
        Fund.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (
            ("csr-bri", "CSR BRI"),
            ("csr-pln", "CSR PLN"),
            ("csr-semen", "CSR Semen Gresik"),
            ("baznas-mitra", "Mitra BAZNAS"),
            ("infak-umum", "Infak umum"),
            ("sedekah-rtlh", "Sedekah RTLH"),
            ("kartu-sehat", "Kartu sehat"),
        )
    ]
    return [(funds[i], locations[i % len(locations)]) for i in range(8)]


class _Timings:
    """Seconds spent by every writer in each part of a posting (summed over writers)."""

    PARTS = ("account rows", "chain heads", "commit")

    def __init__(self):
        self.lock = threading.Lock()
        self.spent = dict.fromkeys(self.PARTS, 0.0)

    def add(self, part, seconds):
        with self.lock:
            self.spent[part] += seconds

    def wrap(self, module, name, part):
        original = getattr(module, name, None)
        if original is None:
            return lambda: None

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(part, time.perf_counter() - started)

        setattr(module, name, timed)
        return lambda: setattr(module, name, original)


def _ledger_writer(i, case, pairs, per_writer, barrier, results):
    """One writer process: post `per_writer` contributions, report its times."""
    from django.db import connections

    import funds.services as services

    timings = _Timings()
    for module, name, part in (
        (services, "_lock_balances", "account rows"),
        (services, "_lock_heads", "chain heads"),
    ):
        timings.wrap(module, name, part)
    fund, location = pairs[i] if case == "spread" else pairs[0]
    connection = connections["default"]
    connection.ensure_connection()
    commit = connection.commit

    def timed_commit():
        started = time.perf_counter()
        try:
            commit()
        finally:
            timings.add("commit", time.perf_counter() - started)

    connection.commit = timed_commit
    error = ""
    barrier.wait()
    started = time.time()
    try:
        for _ in range(per_writer):
            services.contribution_record(
                fund=fund,
                location=location,
                amount=Decimal("1000"),
                date=dt.date(2026, 1, 5),
                description="Setoran bench",
                reference=None,
                actor=None,
            )
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        error = repr(exc)
    finally:
        connections.close_all()
    results.put((started, time.time(), timings.spent, error))


def ledger_writers(report: Report, fund, bank, writes: int) -> dict:
    """Postings per second through the services with 1 and 8 writers, same and spread accounts.

    Each writer is its own process, as gunicorn and Celery workers are.
    `same`: every writer posts to one fund and one bank account (the worst case,
    they queue on those two account rows). `spread`: eight writers on eight
    funds (payroll, CSR, zakat partner, infak ...) and three money locations,
    as in a regency. For each run, the share of writer time spent waiting for
    the account rows, the two chain heads (ledger, then audit) and COMMIT.
    """
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    pairs = _ledger_accounts(fund, bank)
    rates = {}
    for case, writers in (("same", 1), ("same", 8), ("spread", 8)):
        per_writer = max(1, writes // writers)
        barrier, results = context.Barrier(writers), context.Queue()
        connections.close_all()  # no connection may be shared with the children
        processes = [
            context.Process(
                target=_ledger_writer, args=(i, case, pairs, per_writer, barrier, results)
            )
            for i in range(writers)
        ]
        for process in processes:
            process.start()
        reports = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join()
        errors = [error for *_rest, error in reports if error]
        if errors:
            raise RuntimeError(errors[0])
        elapsed = max(r[1] for r in reports) - min(r[0] for r in reports)
        spent = dict.fromkeys(_Timings.PARTS, 0.0)
        for _start, _end, parts, _error in reports:
            for part, seconds in parts.items():
                spent[part] += seconds
        rate = writers * per_writer * 2 / elapsed
        rates[(case, writers)] = rate
        label = "one fund and one bank" if case == "same" else "8 funds, 3 money locations"
        report.add(f"ledger postings/s, {writers} writer(s), {label}", round(rate))
        shares = ", ".join(
            f"{part} {seconds / (elapsed * writers):.0%}" for part, seconds in spent.items()
        )
        report.add(f"  share of writer time waiting: {writers} writer(s), {case}", shares)
    one = rates[("same", 1)]
    report.add(
        "ledger postings/s, 8 writers ÷ 1 writer: one fund, spread",
        f"{rates[('same', 8)] / one:.2f}, {rates[('spread', 8)] / one:.2f}",
        "2 cores: the writers share them with PostgreSQL",
    )
    return rates


def load_test(report: Report, people, seconds: float) -> None:
    """Throughput and p99 under load through gunicorn on loopback ÷ a bare Django view."""
    import http.client
    import socket

    from django.test import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "config" / "gunicorn.py")]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "/dev/null"]
        + ["config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = Client()
    client.force_login(people["auditor"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/bench/bare/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start for the load test")

        def hammer(path: str, headers: dict) -> tuple[float, float]:
            latencies: list[float] = []
            failures: list[int] = []
            stop = time.monotonic() + seconds

            def worker():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                while time.monotonic() < stop:
                    started = time.perf_counter()
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    latencies.append(time.perf_counter() - started)
                    if response.status != 200:
                        failures.append(response.status)

            threads = [threading.Thread(target=worker) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if failures:
                raise RuntimeError(f"{path}: HTTP {failures[0]} under load")
            latencies.sort()
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            return len(latencies) / seconds, p99 * 1000

        bare_rps, bare_p99 = hammer("/bench/bare/", {})
        report.add(
            "bare Django view under load: requests/s, p99 ms", f"{bare_rps:.0f}, {bare_p99:.0f}"
        )
        for name, path, headers in (
            ("public: complaint tracking", "/rumah-tangga/pengaduan-publik/lacak/?nomor=X", {}),
            ("public: home", "/", {}),
            ("staff: contributions list", "/donatur/sumbangan/", {"Cookie": cookie}),
            ("staff: household search", "/rumah-tangga/", {"Cookie": cookie}),
        ):
            rps, p99 = hammer(path, headers)
            report.add(
                f"{name}: requests/s ÷ bare, p99 ms",
                f"{rps / bare_rps:.2f}, {p99:.0f}",
                f"{rps:.0f} req/s",
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- run --------------------------------------------------------------------------------------
def run(quick: bool) -> Report:
    import django

    django.setup()
    from django.core.management import call_command

    sizes = QUICK if quick else FULL
    report = Report(sizes=dict(sizes))
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    report.machine = machine()
    print(f"machine: {report.machine}", flush=True)
    fund, bank, scheme, opds = _base()
    people = _users()
    from funds.services import contribution_record

    for i in range(20):  # a small ledger and a few rows on every page
        contribution_record(
            fund=fund,
            location=bank,
            amount=Decimal("1000"),
            date=dt.date(2025, 1, 2),
            description=f"Setoran {i}",
            reference=None,
            actor=None,
        )
    from donors.models import Contribution, Donor
    from donors.services import gift_record

    donor = Donor.objects.create(kind="individual", name="Donatur kecil")
    for _ in range(5):
        gift_record(
            donor=donor,
            fund=fund,
            location=bank,
            amount=Decimal("50000"),
            date=dt.date(2025, 1, 3),
            channel=Contribution.Channel.INSTITUTION,
            actor=None,
        )
    small_pages = measure_pages(people, fund, sizes["page_repeats"])
    small_balance = balance_read(fund)

    print("generating data …", flush=True)
    generated = generate(sizes, fund, bank, scheme, opds, people)
    for part, value in generated.items():
        report.add(
            f"generated: {part}",
            value if isinstance(value, int) else f"{value:.1f} s",
        )
    full_pages = measure_pages(people, fund, sizes["page_repeats"])
    full_balance = balance_read(fund)

    report.add(
        "balance read at full size ÷ at small size",
        f"{full_balance / small_balance:.2f}",
        f"{small_balance * 1e3:.2f} → {full_balance * 1e3:.2f} ms",
    )
    report_pages(report, full_pages, small_pages)
    payroll_import_vs_copy(report, sizes, scheme, opds)
    ledger_writers(report, fund, bank, sizes["writes"])
    load_test(report, people, sizes["load_seconds"])
    report.add("whole run, seconds", f"{time.perf_counter() - started:.0f}")
    report.add("load average at the end (1 min)", f"{os.getloadavg()[0]:.1f}")
    return report


def run_pages(repeats: int) -> Report:
    """Measure every page again against the data an earlier run left (nothing generated).

    Migrations are applied first, so an index added since the data was generated is
    measured on the same rows.
    """
    import django

    django.setup()
    from django.core.management import call_command

    from donors.models import Contribution
    from funds.models import Fund, Posting

    call_command("migrate", verbosity=0)
    if not Contribution.objects.exists():
        raise SystemExit("--pages: this database holds no benchmark data; run manage.py bench")
    report = Report(sizes={"page_repeats": repeats})
    started = time.perf_counter()
    report.machine = machine()
    print(f"machine: {report.machine}", flush=True)
    report.add("postings in the database", f"{Posting.objects.count():,}".replace(",", "."))
    report_pages(report, measure_pages(_users(), Fund.objects.get(code="matra"), repeats))
    report.add("whole run, seconds", f"{time.perf_counter() - started:.0f}")
    report.add("load average at the end (1 min)", f"{os.getloadavg()[0]:.1f}")
    return report


def ledger_only(writes: int) -> Report:
    """Only the ledger writers, on an empty ledger (before/after comparisons of a change)."""
    import django

    django.setup()
    from django.core.management import call_command

    report = Report(sizes={"writes": writes})
    call_command("migrate", verbosity=0)
    fund, bank, _scheme, _opds = _base()
    ledger_writers(report, fund, bank, writes)
    return report


def markdown(report: Report, quick: bool, pages: bool = False) -> str:
    sizes = ", ".join(f"{k} {v:,}".replace(",", ".") for k, v in report.sizes.items())
    start, end = (PAGES_START, PAGES_END) if pages else (MARK_START, MARK_END)
    command = "manage.py bench" + " --quick" * quick + " --pages" * pages
    title = "Every page again on the kept data" if pages else "Regency scale"
    lines = [
        start,
        f"## {title} (`{command}`), {dt.date.today():%d %b %Y}",
        "",
        f"**Machine:** {report.machine}.",
        "",
        f"Sizes: {sizes}.",
        "",
        "| measure | value | limit / note |",
        "|---|---|---|",
        *[f"| {m.strip()} | {v} | {lim} |" for m, v, lim in report.rows],
        end,
    ]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    """Replace the section between the text's own start and end marks (or append it)."""
    start, end = text.splitlines()[0], text.splitlines()[-1]
    path = ROOT / "docs" / "benchmarks.md"
    current = path.read_text()
    if start in current and end in current:
        before, rest = current.split(start, 1)
        _, after = rest.split(end, 1)
        path.write_text(before + text + after)
    else:
        path.write_text(current.rstrip() + "\n\n" + text + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--pages", action="store_true")
    parser.add_argument(
        "--ledger-writes",
        type=int,
        default=0,
        help="measure only the ledger writers, with this many postings per run",
    )
    args = parser.parse_args(argv)
    if args.ledger_writes:
        ledger_only(args.ledger_writes)
        return 0
    if args.pages:
        report = run_pages(QUICK["page_repeats"] if args.quick else FULL["page_repeats"])
    else:
        report = run(args.quick)
    text = markdown(report, args.quick, pages=args.pages)
    print()
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
