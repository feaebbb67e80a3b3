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


@dataclass
class FundImpact:
    """What one fund a contributor gave to paid for in a year: public figures only."""

    code: str
    name: str
    given: object  # the contributor's own gifts to it that year (Decimal)
    paid: object  # what the fund paid out as aid that year (Decimal)
    programmes: list[dict]  # name, amount, households (suppressed), houses
    kecamatan: list[str]  # names of the kecamatan it reached
    households: str  # suppressed like the portal: a number, "<5" or "*"


def contributor_fund_impact(
    *, user, year: int | None = None
) -> tuple[int | None, list[FundImpact]]:
    """Return (year, per fund) what the funds the contributor gave to paid for.

    The year is the given one or the latest in which the contributor gave. Only
    what the public portal shows: programmes, kecamatan, household and house
    counts (small cells suppressed together with their total, as the portal
    does), amounts. No name, address, NIK or desa of anyone helped.
    """
    import datetime as dt
    from decimal import Decimal

    from django.db.models import Sum
    from django.utils import timezone

    from beneficiaries.selectors import region_names
    from donors.selectors import contributions_of_user
    from transparency.figures import _aid_selectors
    from transparency.suppression import suppress_tables

    gifts = contributions_of_user(user=user).filter(status="recorded")
    if year is None:
        latest = gifts.order_by("-date").values_list("date", flat=True).first()
        if latest is None:
            return None, []
        year = latest.year
    given = list(
        gifts.filter(date__year=year)
        .values("fund__code", "fund__name")
        .annotate(total=Sum("amount"))
        .order_by("fund__name")
    )
    aid = _aid_selectors()
    today = timezone.localdate()
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    result = []
    for item in given:
        rows = (
            aid.public_aid_summary(date_from=start, date_to=end, fund_code=item["fund__code"])
            if aid
            else []
        )
        by_prog: dict[str, dict] = {}
        kecamatan_codes = set()
        for r in rows:
            p = by_prog.setdefault(
                r["programme"],
                {"name": r["programme_name"], "amount": Decimal("0"), "households": 0, "houses": 0},
            )
            p["amount"] += Decimal(r["amount"])
            p["households"] += r["households"]
            p["houses"] += r["houses_completed"]
            if r["kecamatan"]:
                kecamatan_codes.add(r["kecamatan"])
        programmes = sorted(by_prog.values(), key=lambda p: p["name"])
        total_households = sum(p["households"] for p in programmes)
        (shown,), headline = suppress_tables(
            [[p["households"] for p in programmes]], total_households
        )
        (houses,), _houses_total = suppress_tables(
            [[p["houses"] for p in programmes]], sum(p["houses"] for p in programmes)
        )
        for p, households, built in zip(programmes, shown.shown, houses.shown, strict=True):
            p["households"], p["houses"] = households, "" if built == "0" else built
        names = region_names(codes=kecamatan_codes)
        result.append(
            FundImpact(
                code=item["fund__code"],
                name=item["fund__name"],
                given=item["total"],
                paid=sum((p["amount"] for p in programmes), Decimal("0")),
                programmes=programmes,
                kecamatan=sorted(names.get(c, c) for c in kecamatan_codes),
                households=headline,
            )
        )
    return year, result
