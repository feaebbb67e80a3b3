"""Reads of the ledger used by views, reports and other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Q, QuerySet, Sum

from funds.models import (
    ZERO,
    Account,
    ClosedPeriod,
    Commitment,
    Fund,
    LedgerMonth,
    MoneyLocation,
    Posting,
    Transaction,
)


@dataclass(frozen=True)
class FundBalance:
    fund: Fund
    balance: Decimal
    committed: Decimal

    @property
    def available(self) -> Decimal:
        return self.balance - self.committed


def fund_get(*, code: str) -> Fund:
    """Return the fund with `code` (Fund.DoesNotExist when there is none)."""
    return Fund.objects.get(code=code)


def money_location_get(*, code: str) -> MoneyLocation:
    """Return the money location with `code` (MoneyLocation.DoesNotExist when none)."""
    return MoneyLocation.objects.get(code=code)


def _fund_account_values(fund: Fund) -> tuple[Decimal, Decimal]:
    row = Account.objects.filter(fund=fund).values_list("balance", "committed").first()
    return row or (ZERO, ZERO)


def fund_balance(*, fund: Fund) -> Decimal:
    """Return the fund's balance from its running total: one indexed row read."""
    return _fund_account_values(fund)[0]


def fund_available(*, fund: Fund) -> Decimal:
    """Return balance minus open commitments, from the same row."""
    balance, committed = _fund_account_values(fund)
    return balance - committed


def fund_balances(*, active_only: bool = False) -> list[FundBalance]:
    """Return every fund with balance and available amount in one query."""
    funds = Fund.objects.select_related("account").order_by("name")
    if active_only:
        funds = funds.filter(is_active=True)
    result = []
    for fund in funds:
        account = getattr(fund, "account", None)
        result.append(
            FundBalance(
                fund=fund,
                balance=account.balance if account else ZERO,
                committed=account.committed if account else ZERO,
            )
        )
    return result


def location_balances() -> list[tuple[MoneyLocation, Decimal]]:
    """Return every money location with its balance in one query."""
    return [
        (loc, loc.account.balance if hasattr(loc, "account") else ZERO)
        for loc in MoneyLocation.objects.select_related("account").order_by("name")
    ]


def transactions_for_reference(*, reference: models.Model) -> QuerySet[Transaction]:
    """Return the transactions caused by `reference`, oldest first."""
    return Transaction.objects.filter(
        reference_type=reference._meta.label_lower, reference_id=str(reference.pk)
    ).order_by("sequence")


def commitments_for_reference(*, reference: models.Model) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        reference_type=reference._meta.label_lower, reference_id=str(reference.pk)
    )


def fund_postings(*, fund: Fund) -> QuerySet[Posting]:
    """Return the postings of the fund's account with their transaction, newest first."""
    return (
        Posting.objects.filter(account__fund=fund)
        .select_related("transaction", "account")
        # Newest first by the transaction's id, which follows the chain order today
        # (both are taken under the chain-head lock): the (account, transaction) index
        # then serves the page without joining and sorting two million rows.
        .order_by("-transaction_id", "-pk")
    )


def location_postings(*, location: MoneyLocation) -> QuerySet[Posting]:
    return (
        Posting.objects.filter(account__location=location)
        .select_related("transaction", "account")
        .order_by("-transaction_id", "-pk")
    )


def transaction_detail(*, pk: int) -> Transaction:
    return Transaction.objects.select_related("reverses", "created_by").get(pk=pk)


def open_commitments(*, fund: Fund | None = None) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(status=Commitment.Status.OPEN).select_related("fund")
    return qs.filter(fund=fund) if fund else qs


# --- period figures from month snapshots ----------------------------------------------------
# A flow key: (account_id, kind, programme, area, asnaf, reference_type).
FlowKey = tuple[int, str, str, str, str, str]
_SNAPSHOT_FIELDS = ("account_id", "kind", "programme", "area", "asnaf", "reference_type")
_POSTING_FIELDS = (
    "account_id",
    "transaction__kind",
    "transaction__programme",
    "transaction__area",
    "transaction__asnaf",
    "transaction__reference_type",
)


def _month_last_day(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _months(date_from: dt.date, date_to: dt.date):
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _ranges(items: list) -> list[tuple]:
    """Merge consecutive (start, end) pairs whose ends touch into longer ranges."""
    merged: list[list] = []
    for start, end, touches in items:
        if merged and touches:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [tuple(m) for m in merged]


def ledger_flows(*, date_from: dt.date, date_to: dt.date) -> dict[FlowKey, Decimal]:
    """Return the postings dated in [date_from, date_to] summed per flow key.

    Closed months come from their month snapshot (LedgerMonth); only the open
    months and the cut edges of the range are summed from the postings, so the
    cost follows the open part of the range, not the years of ledger behind it.
    At most two queries.
    """
    totals: dict[FlowKey, Decimal] = {}
    if date_from > date_to:
        return totals
    closed = set(
        ClosedPeriod.objects.filter(year__gte=date_from.year, year__lte=date_to.year).values_list(
            "year", "month"
        )
    )
    snap, live = [], []
    prev_snap = prev_live = None
    for year, month in _months(date_from, date_to):
        first, last = dt.date(year, month, 1), _month_last_day(year, month)
        whole = first >= date_from and last <= date_to
        if whole and (year, month) in closed:
            snap.append(((year, month), (year, month), prev_snap == (year, month)))
            prev_snap = (year + 1, 1) if month == 12 else (year, month + 1)
        else:
            start, end = max(first, date_from), min(last, date_to)
            live.append((start, end, prev_live == start))
            prev_live = end + dt.timedelta(days=1)
    if snap:
        where = Q()
        for (y1, m1), (y2, m2) in _ranges(snap):
            if y1 == y2:
                where |= Q(year=y1, month__gte=m1, month__lte=m2)
            else:
                where |= (
                    Q(year=y1, month__gte=m1)
                    | Q(year__gt=y1, year__lt=y2)
                    | Q(year=y2, month__lte=m2)
                )
        rows = (
            LedgerMonth.objects.filter(where)
            .values(*_SNAPSHOT_FIELDS)
            .annotate(total=Sum("amount"))
            .values_list(*_SNAPSHOT_FIELDS, "total")
        )
        for *key, total in rows:
            totals[tuple(key)] = totals.get(tuple(key), ZERO) + total
    if live:
        where = Q()
        for start, end in _ranges(live):
            where |= Q(transaction__date__gte=start, transaction__date__lte=end)
        rows = (
            Posting.objects.filter(where)
            .values(*_POSTING_FIELDS)
            .annotate(total=Sum("amount"))
            .values_list(*_POSTING_FIELDS, "total")
        )
        for *key, total in rows:
            totals[tuple(key)] = totals.get(tuple(key), ZERO) + total
    return totals


def ledger_first_date() -> dt.date | None:
    """Return the date of the earliest transaction (one indexed read)."""
    return Transaction.objects.order_by("date").values_list("date", flat=True).first()


def ledger_flows_before(*, date: dt.date) -> dict[FlowKey, Decimal]:
    """Return every posting dated before `date` summed per flow key (from snapshots)."""
    first = ledger_first_date()
    if first is None or first >= date:
        return {}
    # From the first day of that month, so that whole closed months are read as snapshots.
    return ledger_flows(date_from=first.replace(day=1), date_to=date - dt.timedelta(days=1))


def account_kind_totals(
    *, date_from: dt.date, date_to: dt.date
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """Return per account and transaction kind the sums (before the period, during it).

    Signed like the postings (debit positive); read from month snapshots.
    """
    result: dict[int, dict[str, list[Decimal]]] = {}
    for index, flows in enumerate(
        (
            ledger_flows_before(date=date_from),
            ledger_flows(date_from=date_from, date_to=date_to),
        )
    ):
        for (account_id, kind, *_rest), amount in flows.items():
            pair = result.setdefault(account_id, {}).setdefault(kind, [ZERO, ZERO])
            pair[index] += amount
    return {acc: {k: (v[0], v[1]) for k, v in kinds.items()} for acc, kinds in result.items()}


def ledger_month_snapshot_rows(*, year: int, month: int) -> list[LedgerMonth]:
    """Return the (unsaved) snapshot rows of one month, summed from its postings."""
    first, last = dt.date(year, month, 1), _month_last_day(year, month)
    rows = (
        Posting.objects.filter(transaction__date__gte=first, transaction__date__lte=last)
        .values(*_POSTING_FIELDS)
        .annotate(total=Sum("amount"), n=models.Count("pk"))
        .values_list(*_POSTING_FIELDS, "total", "n")
    )
    return [
        LedgerMonth(
            year=year,
            month=month,
            account_id=account_id,
            kind=kind,
            programme=programme,
            area=area,
            asnaf=asnaf,
            reference_type=reference_type,
            amount=total,
            posting_count=n,
        )
        for account_id, kind, programme, area, asnaf, reference_type, total, n in rows
    ]


def closed_month_anchor(*, year: int, month: int) -> ClosedPeriod | None:
    """Return the closed month with its chain head (sequence and hash), or None if open."""
    return ClosedPeriod.objects.filter(year=year, month=month).first()


def closed_months(*, date_from: dt.date, date_to: dt.date) -> set[tuple[int, int]]:
    """Return the (year, month) pairs closed between two dates."""
    return set(
        ClosedPeriod.objects.filter(year__gte=date_from.year, year__lte=date_to.year).values_list(
            "year", "month"
        )
    )


def ledger_head_sequence() -> int:
    """Return the sequence of the newest transaction (0 for an empty ledger)."""
    from funds.models import LedgerHead

    return LedgerHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0


def fund_reversals_of_earlier(*, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Return fund-side postings in the period that reverse a transaction dated before it.

    Reversals are few: find them first through the unique index on `reverses`,
    then read their postings, so the cost does not follow the period's volume.
    """
    ids = list(
        Transaction.objects.filter(
            reverses__isnull=False,
            date__gte=date_from,
            date__lte=date_to,
            reverses__date__lt=date_from,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return []
    return list(
        Posting.objects.filter(transaction_id__in=ids, account__kind=Account.Kind.FUND)
        .values(
            "transaction__sequence",
            "transaction__date",
            "transaction__kind",
            "transaction__reverses__sequence",
            "transaction__reverses__date",
            "account__fund__code",
            "amount",
        )
        .order_by("transaction__sequence")
    )


def programme_names() -> dict[str, str]:
    """Return the registered programme codes with their names (one query)."""
    from funds.models import Programme

    return dict(Programme.objects.values_list("code", "name"))


def statement_state_by_hash(*, digest: str) -> str | None:
    """Return "valid" when signed statements carry this figures fingerprint, else None.

    The public document check asks this: the fingerprint says nothing about
    anyone, and the answer is only whether those figures were signed.
    """
    from funds.models import StatementSignoff

    digest = (digest or "").strip().lower()
    if len(digest) != 64:
        return None
    return "valid" if StatementSignoff.objects.filter(figures_hash=digest).exists() else None
