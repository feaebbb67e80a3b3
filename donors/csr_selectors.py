"""Reads of the CSR partner portal: pledges, dues, and the impact reports (no personal data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from donors.models import GoodsItem, Instalment, OnlinePayment, Partner, Pledge, TransferProof

ZERO = Decimal("0.00")


def partner_of_user(*, user) -> Partner | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Partner.objects.filter(user=user).select_related("donor").first()


def pledges_for(*, partner: Partner | None = None) -> QuerySet[Pledge]:
    """Return pledges (of one partner, or all) with what the list shows already joined."""
    qs = Pledge.objects.select_related("partner", "fund")
    return qs.filter(partner=partner) if partner is not None else qs


def pledge_detail(*, pk: int) -> Pledge:
    return Pledge.objects.select_related("partner__donor", "partner__user", "fund").get(pk=pk)


def partners_pending() -> QuerySet[Partner]:
    return Partner.objects.filter(status=Partner.Status.PENDING).order_by("created_at")


def transfers_waiting() -> QuerySet[TransferProof]:
    return TransferProof.objects.filter(status=TransferProof.Status.SUBMITTED).select_related(
        "pledge__partner"
    )


def goods_register() -> QuerySet[GoodsItem]:
    """Return the in-kind register: goods received or handed on, at their valuation."""
    return (
        GoodsItem.objects.exclude(status=GoodsItem.Status.PLEDGED)
        .select_related("pledge__partner")
        .order_by("-received_on", "pk")
    )


def instalments_open(*, today: dt.date, partner: Partner | None = None) -> QuerySet[Instalment]:
    from donors.csr import instalments_due

    qs = instalments_due(today=today, within_days=30)
    return qs.filter(pledge__partner=partner) if partner is not None else qs


@dataclass
class ImpactLine:
    programme: str
    area: str
    payments: int
    amount: Decimal


@dataclass
class Impact:
    """What a pledge (or all of a partner's pledges) brought in and what it paid for."""

    pledged: Decimal = ZERO
    received: Decimal = ZERO
    goods_value: Decimal = ZERO
    goods_handed_on: int = 0
    spent: Decimal = ZERO
    lines: list[ImpactLine] = field(default_factory=list)
    houses: int = 0
    pooled: Decimal = ZERO  # unrestricted money: pooled with other gifts, not traced
    # Before/after photos of houses rehabilitated with the household's recorded consent.
    photos: list[dict] = field(default_factory=list)

    @property
    def cash_received(self) -> Decimal:
        return self.received - self.goods_value


def _spending_of_fund(fund) -> list[ImpactLine]:
    from funds.models import Posting, Transaction

    rows = (
        Posting.objects.filter(
            account__fund=fund,
            transaction__kind=Transaction.Kind.DISBURSEMENT,
        )
        .values("transaction__programme", "transaction__area")
        .annotate(n=Count("transaction", distinct=True), total=Sum("amount"))
        .order_by("transaction__programme", "transaction__area")
    )
    # A payment debits the fund (+ in the signed convention); a reversal credits it back.
    return [
        ImpactLine(r["transaction__programme"], r["transaction__area"], r["n"], r["total"])
        for r in rows
        if r["total"]
    ]


def pledge_impact(*, pledges) -> Impact:
    """Return the impact of the given pledges: earmarked funds traced, the rest pooled."""
    impact = Impact()
    traced: dict[int, int] = {}  # earmarked fund -> its pledge
    for pledge in pledges:
        if pledge.status == Pledge.Status.CANCELLED:
            continue
        impact.pledged += pledge.total_amount
        impact.received += pledge.received_amount
        if pledge.kind == Pledge.Kind.GOODS:
            goods = pledge.goods.exclude(status=GoodsItem.Status.PLEDGED)
            impact.goods_value += sum((g.total_value for g in goods), ZERO)
            impact.goods_handed_on += goods.filter(status=GoodsItem.Status.HANDED_ON).count()
            continue
        if pledge.fund is not None and pledge.fund.is_restricted and pledge.is_earmarked:
            traced[pledge.fund_id] = pledge.pk
            for line in _spending_of_fund(pledge.fund):
                impact.lines.append(line)
                impact.spent += line.amount
                if line.programme == "rtlh":
                    impact.houses += line.payments
        else:
            impact.pooled += pledge.received_amount
    if traced:
        from disbursements.selectors import consented_rehab_photos

        impact.photos = [
            {**photo, "pledge_id": traced[photo["fund_id"]]}
            for photo in consented_rehab_photos(fund_ids=traced)
        ]
    return impact


def impact_photo(*, pledge: Pledge, evidence_id: int):
    """Return the stored photo if the pledge's impact report may show it, else None."""
    if pledge.fund_id is None or not pledge.is_earmarked:
        return None
    from disbursements.selectors import consented_rehab_photo

    return consented_rehab_photo(evidence_id=evidence_id, fund_ids=[pledge.fund_id])


def payments_of_pledge(*, pledge: Pledge) -> QuerySet[OnlinePayment]:
    return pledge.payments.select_related("contribution__receipt").order_by("-created_at")
