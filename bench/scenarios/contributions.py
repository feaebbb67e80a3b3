"""Payroll deduction import of a 15.000-row monthly file, against PostgreSQL COPY.

Measures the whole import as a fund manager runs it: read and check every row
(payroll_import_prepare), then book it (payroll_import_commit: contributions,
one ledger transaction, 15.000 gapless receipts). Donors are known and enrolled,
as in a normal month. Also measured: the same file when every NIP is new (the
first month of a scheme), where donors and enrolments are created too.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from bench.common import copy_rate

ROWS = 15_000


def _nip(i: int) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=i % 9000)
    return f"{birth:%Y%m%d}{birth.year + 25}{(i % 12) + 1:02d}{(i % 2) + 1}{i % 999 + 1:03d}"


def _setup(code: str):
    from donors.models import Opd, Scheme
    from funds.models import Fund, MoneyLocation

    fund, _ = Fund.objects.get_or_create(code=f"bench-{code}", defaults={"name": f"Bench {code}"})
    bank, _ = MoneyLocation.objects.get_or_create(
        code="bench-bank", defaults={"name": "Bench bank", "kind": MoneyLocation.Kind.BANK}
    )
    scheme = Scheme.objects.create(
        code=f"bench-{code}", name="Bench", fund=fund, deposit_location=bank
    )
    opd = Opd.objects.create(code=f"BENCH-{code.upper()}", name="Bench OPD")
    return scheme, opd


def _file(nips: list[str]) -> tuple[bytes, list[tuple[str, str, Decimal]]]:
    rows = [(nip, f"Pegawai {i}", Decimal(100000 + (i % 5) * 25000)) for i, nip in enumerate(nips)]
    lines = ["NIP;NAMA;JUMLAH"] + [
        f"{n};{name};{int(a):,}".replace(",", ".") for n, name, a in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode(), rows


def _import(scheme, opd, data: bytes, month: dt.date, phases: dict | None = None) -> float:
    """Return the wall seconds of the whole import; fill `phases` with where they went."""
    from donors.services import payroll_import_commit, payroll_import_prepare

    marks: list[tuple[int, float]] = []

    def progress(done: int, total: int) -> None:
        marks.append((done, time.perf_counter()))

    started = time.perf_counter()
    draft, check = payroll_import_prepare(
        data=data,
        filename="bench.csv",
        opd=opd,
        scheme=scheme,
        period=month,
        received_on=month + dt.timedelta(days=25),
        expected_count=None,
        expected_total=None,
        actor=None,
    )
    assert draft is not None, check.errors[:5]
    prepared = time.perf_counter()
    # When the booking takes the ledger's first lock (the fund's and bank's account rows):
    # from then to COMMIT every other writer of them waits.
    import funds.services as ledger

    locked: list[float] = []
    lock_balances = ledger._lock_balances

    def timed_lock(ids):
        locked.append(time.perf_counter())
        return lock_balances(ids)

    ledger._lock_balances = timed_lock
    try:
        imp = payroll_import_commit(payroll_import=draft, actor=None, progress=progress)
    finally:
        ledger._lock_balances = lock_balances
    finished = time.perf_counter()
    elapsed = finished - started
    assert imp.row_count == ROWS
    if phases is not None and len(marks) == 3 and locked:
        # progress() is called after the re-check, after donors, enrolments and
        # contributions are written, and after receipts, ledger posting and link.
        (_, checked), (_, written), (_, booked) = marks
        phases.update(
            {
                "read_check_and_store_draft": prepared - started,
                "booking_recheck": checked - prepared,
                "booking_donors_enrolments_contributions": written - checked,
                "booking_receipts_ledger_and_link": booked - written,
                "booking_audit_and_commit": finished - booked,
                "ledger_locks_held_to_commit": finished - locked[0],
            }
        )
    return elapsed


def run() -> dict:
    # Load the import code (and pandas) before timing: a running server has it loaded,
    # and the first measurement used to include ~1 s of module imports.
    import donors.services  # noqa: F401
    from donors.models import Donor, Enrolment

    nips = list(dict.fromkeys(_nip(i) for i in range(ROWS * 2)))[:ROWS]
    assert len(nips) == ROWS

    # A normal month: every civil servant known and enrolled.
    scheme, opd = _setup("known")
    donors = Donor.objects.bulk_create(
        [
            Donor(kind="pns", name=f"Pegawai {i}", nip=n, opd=opd, position="staff")
            for i, n in enumerate(nips)
        ],
        batch_size=2000,
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                donor=d, scheme=scheme, monthly_amount=Decimal(100000), start=dt.date(2025, 1, 1)
            )
            for d in donors
        ],
        batch_size=2000,
    )
    data, rows = _file(nips)
    known_phases: dict = {}
    known_seconds = _import(scheme, opd, data, dt.date(2025, 3, 1), known_phases)

    # The first month of a scheme: every NIP is new (donors and enrolments created).
    Donor.objects.filter(pk__in=[d.pk for d in donors]).update(nip=None, kind="individual")
    scheme_new, opd_new = _setup("new")
    new_seconds = _import(scheme_new, opd_new, data, dt.date(2025, 3, 1))

    copy = copy_rate([("nip", "text"), ("nama", "text"), ("jumlah", "numeric(17,2)")], rows)
    known_rate = ROWS / known_seconds
    return {
        "rows": ROWS,
        "import_known_donors_wall_seconds": round(known_seconds, 2),
        "import_known_donors_rows_per_second": round(known_rate),
        "import_new_donors_wall_seconds": round(new_seconds, 2),
        "import_new_donors_rows_per_second": round(ROWS / new_seconds),
        "copy_rows_per_second": round(copy),
        "ratio_import_to_copy (target >= 0.3)": round(known_rate / copy, 3),
        "ratio_new_donors_import_to_copy": round(ROWS / new_seconds / copy, 3),
        "seconds_the_target_allows (ROWS / 0.3 COPY)": round(ROWS / (0.3 * copy), 3),
        **{f"known_phase_{k}_seconds": round(v, 3) for k, v in known_phases.items()},
    }
