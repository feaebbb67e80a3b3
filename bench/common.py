"""Helpers shared by the benchmark scenarios."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from django.db import connection


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Return the best wall time in seconds of `repeat` calls of fn."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def copy_rate(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence]) -> float:
    """Return rows/second of PostgreSQL COPY of `rows` into a bare temporary table.

    `columns` are (name, SQL type) pairs. This is the yardstick imports are
    measured against: the fastest way the same server can take the same rows.
    """
    spec = ", ".join(f"{name} {sqltype}" for name, sqltype in columns)
    names = ", ".join(name for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_target")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_copy_target ({spec})")
        started = time.perf_counter()
        with cursor.copy(f"COPY bench_copy_target ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy_target")
    return len(rows) / elapsed
