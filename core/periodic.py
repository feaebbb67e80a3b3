"""Periodic jobs: run once a day whoever starts them (Celery beat, cron, or both)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import PeriodicRun

logger = logging.getLogger("kenanga.periodic")


def run_once_a_day(name: str, work: Callable[[dt.date], str], *, day: dt.date | None = None) -> str:
    """Run work(day) unless a run of `name` for that day has already committed.

    The marker row and the work share one transaction: a run that dies half-way
    leaves no marker, so the next run does the work again, and a second run on
    the same day (beat and the cron command both configured) does nothing.
    """
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(name=name, day=day)
            result = work(day) or ""
            run.result = result[:500]
            run.save(update_fields=["result"])
    except IntegrityError:
        logger.info("periodic job already ran today", extra={"job": name, "day": str(day)})
        return "skipped"
    logger.info("periodic job done", extra={"job": name, "day": str(day), "result": result})
    return result
