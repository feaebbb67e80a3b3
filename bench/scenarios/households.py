"""Households: national-list import rate vs COPY, and finding a household by NIK.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/run.py households

Imports three national-list files of 100.000 person rows each (about 25.000
households each) through the real pipeline (read_table, per-row validation,
keyed hashes, Fernet encryption, bulk inserts in one transaction), so that
the registry holds 300.000 persons; then looks households up by NIK.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from beneficiaries.national_list import REQUIRED

ROWS_PER_FILE = 100_000


def _rows(rng: random.Random, villages: list[str], file_no: int) -> list[list]:
    """Return person rows whose KK numbers and NIKs are unique across all files."""
    rows: list[list] = []
    household = 0
    while len(rows) < ROWS_PER_FILE:
        household += 1
        village = villages[household % len(villages)]
        district = village[:6]
        g = file_no * 30_000 + household  # global household number
        kk = f"{district}{g // 9999 + 1:02d}0110{g % 9999 + 1:04d}"
        size = rng.choice([2, 3, 4, 4, 5, 6])
        for member in range(min(size, ROWS_PER_FILE - len(rows))):
            u = g * 6 + member  # global person number: encoded into day, month, serial
            r = u // 9999
            day, month = r // 12 + 1, r % 12 + 1
            year = rng.randint(1950, 2015)
            female = member == 1
            nik = f"{district}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{u % 9999 + 1:04d}"
            rows.append(
                [
                    kk,
                    nik,
                    f"Warga {g}-{member}",
                    "P" if female else "L",
                    f"{day:02d}-{month:02d}-{year}",
                    "1" if member == 0 else ("2" if member == 1 else "3"),
                    village,
                    f"Dukuh {g}",
                    f"{household % 20 + 1:03d}",
                    f"{household % 7 + 1:03d}",
                    str(rng.randint(1, 10)),
                ]
            )
    return rows


HEADER = REQUIRED  # the columns the import requires, in the documented order


def _csv(rows: list[list]) -> bytes:
    return ("\n".join(";".join(r) for r in [HEADER, *rows]) + "\n").encode()


def run() -> dict:
    from django.db import connection

    from bench.common import copy_rate
    from beneficiaries.models import ImportBatch, Person, Region
    from beneficiaries.national_list import file_digest, national_list_commit, parse_national_list
    from beneficiaries.selectors import household_by_nik
    from beneficiaries.services import nik_hash
    from core.crypto import encrypt, keyed_hash

    rng = random.Random(33)  # noqa: S311
    villages = [
        code.replace(".", "")
        for code in Region.objects.filter(
            level=Region.Level.VILLAGE, code__startswith="33.14"
        ).values_list("code", flat=True)
    ]
    results: dict = {}
    sample_niks: list[str] = []
    for file_no in range(3):
        rows = _rows(rng, villages, file_no)
        sample_niks += [r[1] for r in rng.sample(rows, 40)]
        data = _csv(rows)
        started = time.perf_counter()
        parsed = parse_national_list(data, filename=f"bench-{file_no}.csv")
        parse_seconds = time.perf_counter() - started
        if parsed.errors:
            raise RuntimeError(f"bench rows invalid: {[str(e) for e in parsed.errors[:5]]}")
        batch = ImportBatch.objects.create(
            source="dtks",
            as_of=dt.date(2025, 3 * file_no + 1, 1),
            filename=f"bench-{file_no}.csv",
            file_sha256=file_digest(data),
        )
        started = time.perf_counter()
        national_list_commit(batch=batch, parsed=parsed, actor="bench")
        commit_seconds = time.perf_counter() - started
        if file_no == 0:
            total = parse_seconds + commit_seconds
            rate = len(rows) / total
            copy = copy_rate(
                [
                    ("no_kk", "text"),
                    ("nik", "text"),
                    ("nama", "text"),
                    ("jenis_kelamin", "text"),
                    ("tanggal_lahir", "text"),
                    ("hubungan", "text"),
                    ("kode_desa", "text"),
                    ("alamat", "text"),
                    ("rt", "text"),
                    ("rw", "text"),
                    ("desil", "text"),
                ],
                rows,
            )
            started = time.perf_counter()
            for row in rows:
                encrypt(row[1])
            per_household = {row[0]: row for row in rows}
            for row in per_household.values():
                encrypt(row[0])
                encrypt(row[7])
            encryption_seconds = time.perf_counter() - started
            started = time.perf_counter()
            for row in rows:
                keyed_hash(row[1], purpose="nik")
            hashing_seconds = time.perf_counter() - started
            results.update(
                {
                    "import_rows": len(rows),
                    "import_households": len(parsed.households),
                    "import_parse_validate_seconds": round(parse_seconds, 2),
                    "import_write_seconds": round(commit_seconds, 2),
                    "import_rows_per_second": round(rate),
                    "copy_rows_per_second": round(copy),
                    "import_rate_over_copy": round(rate / copy, 4),
                    "encryption_seconds_in_import": round(encryption_seconds, 2),
                    "keyed_hash_seconds_in_import": round(hashing_seconds, 2),
                }
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    persons = Person.objects.count()

    timings = []
    for nik in sample_niks:
        started = time.perf_counter()
        found = household_by_nik(nik=nik)
        timings.append(time.perf_counter() - started)
        assert found is not None
    query = Person.objects.filter(nik_hash=nik_hash(sample_niks[0])).values(
        "memberships__household"
    )
    plan = query.explain()
    uses_index = "nik_hash" in plan and "Seq Scan on beneficiaries_person" not in plan
    results.update(
        {
            "persons_in_registry": persons,
            "find_by_nik_median_ms": round(statistics.median(timings) * 1000, 2),
            "find_by_nik_max_ms": round(max(timings) * 1000, 2),
            "find_by_nik_uses_keyed_hash_index": uses_index,
            "find_by_nik_plan": " | ".join(line.strip() for line in plan.splitlines()[:4]),
        }
    )
    return results
