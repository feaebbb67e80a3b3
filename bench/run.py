"""Kenanga's benchmark harness.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/run.py [scenario ...]

Creates (or empties) a separate database `kenanga_bench` on the same server,
migrates it, and runs each scenario in bench/scenarios/ (all by default).
Each scenario returns a dict of measurements; ratios measured in the same
run (e.g. import rate / COPY rate) are what we compare across machines,
because absolute times on a shared machine are noisy. Results are printed and
written to bench/results/<date>.json; copy the table into docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the benchmarks compare against COPY.")
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    import psycopg

    # Several checkouts may bench on one server at once: each may name its own database.
    name = os.environ.get("KENANGA_BENCH_DB", "kenanga_bench")
    if not name.replace("_", "").isalnum():
        sys.exit("KENANGA_BENCH_DB may hold letters, digits and underscores only.")
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return urlunparse(parsed._replace(path=f"/{name}"))


def machine() -> str:
    cpus = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    return f"{platform.processor() or platform.machine()}, {cpus} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def main(names: list[str]) -> int:
    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import bench.scenarios as scenarios

    available = sorted(m.name for m in pkgutil.iter_modules(scenarios.__path__))
    chosen = names or available
    results = {"machine": machine(), "date": dt.datetime.now().isoformat(timespec="seconds")}
    for name in chosen:
        if name not in available:
            sys.exit(f"Unknown scenario {name!r}; available: {', '.join(available)}")
        module = importlib.import_module(f"bench.scenarios.{name}")
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        measured = module.run()
        measured["scenario_wall_seconds"] = round(time.perf_counter() - started, 1)
        for key, value in measured.items():
            print(f"  {key:<45} {value}")
        results[name] = measured
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{dt.date.today():%Y-%m-%d}.json").write_text(
        json.dumps(results, indent=2, default=str)
    )
    print(f"machine: {results['machine']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
