"""Background work of the core app: the worker heartbeat and housekeeping."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.periodic import run_once_a_day

logger = logging.getLogger("kenanga.worker")

HEARTBEAT_KEY = "kenanga:worker-heartbeat"
HEARTBEAT_SECONDS = 15
# A worker silent for this long is reported as down by the health check.
HEARTBEAT_STALE_SECONDS = 90


def heartbeat_write() -> None:
    cache.set(
        HEARTBEAT_KEY,
        {"host": socket.gethostname(), "at": time.time()},
        timeout=HEARTBEAT_STALE_SECONDS * 4,
    )


def heartbeat_start() -> threading.Thread:
    """Start the thread that tells the health check this worker is alive."""

    def beat() -> None:
        while True:
            try:
                heartbeat_write()
            except Exception:  # Redis down: the health check reports it; keep beating
                logger.warning("worker heartbeat could not be written", exc_info=True)
            time.sleep(HEARTBEAT_SECONDS)

    thread = threading.Thread(target=beat, name="kenanga-heartbeat", daemon=True)
    thread.start()
    return thread


def heartbeat_age() -> float | None:
    """Return seconds since a worker last reported, or None when none ever did."""
    last = cache.get(HEARTBEAT_KEY)
    return None if not last else max(0.0, time.time() - last["at"])


@shared_task
def sessions_clear() -> str:
    """Delete expired login sessions (Django's clearsessions), once a day."""

    def work(day: dt.date) -> str:
        from django.contrib.sessions.models import Session

        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        return f"{deleted} sesi kedaluwarsa dihapus"

    return run_once_a_day("core.sessions_clear", work)


@shared_task
def files_purge() -> str:
    """Delete uploaded files past their retention and orphaned ones, once a day."""

    def work(day: dt.date) -> str:
        from core.uploads import stored_files_purge

        count, orphans = stored_files_purge()
        return f"{count} berkas lewat masa simpan dan {orphans} berkas yatim dihapus"

    return run_once_a_day("core.files_purge", work)
