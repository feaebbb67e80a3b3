"""The health check read by the reverse proxy and by monitoring.

Each check returns (ok, details). Apps add their own checks in
AppConfig.ready() with `register_health_check`, so core imports no app.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections

Check = Callable[[], tuple[bool, dict]]
CHECKS: dict[str, Check] = {}


def register_health_check(name: str, check: Check) -> None:
    CHECKS[name] = check


def _database() -> tuple[bool, dict]:
    started = time.perf_counter()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, {"ms": round((time.perf_counter() - started) * 1000, 1)}


def _redis() -> tuple[bool, dict]:
    if not settings.REDIS_URL:
        return True, {"configured": False}
    from django.core.cache import cache

    started = time.perf_counter()
    cache.set("kenanga:health", "1", timeout=30)
    ok = cache.get("kenanga:health") == "1"
    return ok, {"ms": round((time.perf_counter() - started) * 1000, 1)}


def _worker() -> tuple[bool, dict]:
    from core.tasks import HEARTBEAT_STALE_SECONDS, heartbeat_age

    if settings.CELERY_TASK_ALWAYS_EAGER:
        # The embedded default runs background work inside the web process.
        return True, {"mode": "in-process"}
    age = heartbeat_age()
    if age is None:
        return False, {"heartbeat": None}
    return age <= HEARTBEAT_STALE_SECONDS, {"heartbeat_age_s": round(age, 1)}


def _replica() -> tuple[bool, dict]:
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), "
            "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
        )
        in_recovery, lag = cursor.fetchone()
    # Lag is the age of the last replayed change: large on a quiet primary, so only reported.
    return bool(in_recovery), {"lag_s": None if lag is None else round(float(lag), 1)}


register_health_check("database", _database)
if "replica" in settings.DATABASES:
    register_health_check("replica", _replica)
register_health_check("redis", _redis)
register_health_check("worker", _worker)


def health_report() -> tuple[bool, dict]:
    """Run every check; a check that raises is a failed check, never a crashed page."""
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            ok, details = check()
        except Exception as exc:  # noqa: BLE001 - the report names what failed
            ok, details = False, {"error": exc.__class__.__name__}
        results[name] = {"ok": ok, **details}
        healthy = healthy and ok
    return healthy, results
