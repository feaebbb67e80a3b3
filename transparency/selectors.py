"""Reads of the transparency app: live figures (cached), published reports, verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet

from funds.selectors import ledger_head_sequence
from transparency.figures import canonical_json, report_build, snapshot_hash
from transparency.models import PublishedReport
from transparency.periods import Period

LIVE_CACHE_SECONDS = 300
# Changed on every publication, so cached public pages of that period are redrawn.
PUBLISHED_GENERATION_KEY = "transparency:published-generation"


def published_report_for(*, period: Period) -> PublishedReport | None:
    return (
        PublishedReport.objects.filter(date_from=period.start, date_to=period.end)
        .defer("pdf")
        .first()
    )


def published_reports() -> QuerySet[PublishedReport]:
    return PublishedReport.objects.defer("pdf", "snapshot").order_by("-sequence")


def published_report_by_hash(*, digest: str) -> PublishedReport | None:
    return PublishedReport.objects.filter(hash=digest.strip().lower()).first()


def report_figures(*, period: Period) -> tuple[dict, PublishedReport | None]:
    """Return the figures of `period`: the published snapshot, or live figures.

    Live figures are cached under the ledger's head sequence, so a page costs a
    couple of indexed reads however many postings lie behind it, and any new
    posting makes the next reader see fresh figures.
    """
    report = published_report_for(period=period)
    if report is not None:
        return report.snapshot, report
    key = f"transparency:live:{period.code}:{ledger_head_sequence()}"
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = report_build(period=period)
        # Through JSON once, so the live page shows exactly what a snapshot would hold.
        snapshot = json.loads(canonical_json(snapshot))
        cache.set(key, snapshot, LIVE_CACHE_SECONDS)
    return snapshot, None


@dataclass
class Verification:
    found: PublishedReport | None
    intact: bool  # the stored snapshot still hashes to its hash
    chained: bool  # its previous hash is the hash of the report before it
    how: str  # "hash", "json" or "pdf"


def report_verify(*, digest: str = "", data: bytes | None = None) -> Verification:
    """Find a published report by its hash, by its JSON file or by its PDF file, and check it."""
    how, report = "hash", None
    if data is not None:
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            parsed = None
        if isinstance(parsed, dict):
            how = "json"
            report = published_report_by_hash(digest=snapshot_hash(parsed))
        else:
            how = "pdf"
            report = PublishedReport.objects.filter(
                pdf_sha256=hashlib.sha256(data).hexdigest()
            ).first()
    elif digest:
        report = published_report_by_hash(digest=digest)
    if report is None:
        return Verification(None, False, False, how)
    intact = snapshot_hash(report.snapshot) == report.hash
    if report.sequence == 1:
        chained = report.previous_hash == ""
    else:
        before = PublishedReport.objects.filter(sequence=report.sequence - 1).only("hash").first()
        chained = before is not None and before.hash == report.previous_hash
    return Verification(report, intact, chained, how)
