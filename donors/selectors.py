"""Reads of the donors app, used by views, reports and other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from donors.models import (
    Contribution,
    Donor,
    Enrolment,
    Opd,
    PayrollImport,
    Receipt,
    Scheme,
    SchemeRate,
)


def scheme_minimum(*, scheme: Scheme, position: str, month: dt.date) -> Decimal | None:
    """Return the minimum monthly amount for `position` in `month`, or None when none is set."""
    rate = (
        SchemeRate.objects.filter(scheme=scheme, position=position, valid_from__lte=month)
        .order_by("-valid_from")
        .first()
    )
    return rate.minimum_amount if rate else None


def donor_list() -> QuerySet[Donor]:
    return Donor.objects.select_related("opd").filter(merged_into__isnull=True)


def contribution_list() -> QuerySet[Contribution]:
    # An import keeps its whole file as JSON (15.000 parsed rows and the preview): decoding
    # that once per listed gift took seconds a page. A gift needs only the import's OPD.
    return Contribution.objects.select_related(
        "donor", "fund", "receipt", "payroll_import__opd"
    ).defer("payroll_import__preview", "payroll_import__parsed_rows")


def receipts_of_import(*, payroll_import: PayrollImport) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(contribution__payroll_import=payroll_import)
        .select_related("contribution__donor", "contribution__fund")
        .order_by("number")
    )


def receipt_for_public(*, token: str) -> Receipt | None:
    return Receipt.objects.select_related("contribution__fund").filter(token=token).first()


def contributions_of_user(*, user) -> QuerySet[Contribution]:
    """Return the gifts of the donor linked to `user` (a contributor sees only these)."""
    return contribution_list().filter(donor__user=user)


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _active_enrolments(*, scheme: Scheme, month: dt.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(scheme=scheme, start__lte=month).filter(
        Q(end__isnull=True) | Q(end__gte=month)
    )


def payroll_due_date(month: dt.date) -> dt.date:
    """Return the day by which `month`'s deduction must be remitted (PAYROLL_DUE_DAY of the next month)."""
    from django.conf import settings

    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following.replace(day=settings.KENANGA_PAYROLL_DUE_DAY)


def latest_due_month(*, today: dt.date | None = None) -> dt.date:
    """Return the latest month whose deduction is already due on `today`."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    while payroll_due_date(month) > today:
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


@dataclass
class Arrears:
    month: dt.date
    scheme: Scheme
    missing_donors: QuerySet[Enrolment]  # lazy: the page shows one page of it, exports stream it
    missing_opds: list[dict]
    expected_total: Decimal
    received_total: Decimal
    due_on: dt.date | None = None
    today: dt.date | None = None

    @property
    def is_due(self) -> bool:
        """Whether the month is due: before that, a missing remittance is not yet an arrear."""
        return self.due_on is not None and self.today is not None and self.due_on <= self.today


def arrears_for_month(*, scheme: Scheme, month: dt.date, today: dt.date | None = None) -> Arrears:
    """Return which enrolled civil servants and which OPDs have not remitted for `month`.

    `is_due` on the answer says whether the month is due yet (payroll_due_date).
    """
    month = month.replace(day=1)
    active = _active_enrolments(scheme=scheme, month=month).filter(donor__is_active=True)
    paid = Contribution.objects.filter(
        fund_id=scheme.fund_id, period=month, status=Contribution.Status.RECORDED
    ).values("donor_id")
    missing = (
        active.exclude(donor_id__in=paid)
        .select_related("donor", "donor__opd")
        .order_by("donor__opd__code", "donor__name", "pk")
    )
    booked_opds = PayrollImport.objects.filter(
        scheme=scheme, period=month, status=PayrollImport.Status.COMMITTED
    ).values("opd_id")
    # The active enrolments grouped by their donor's OPD in one pass; the OPDs' names
    # are read apart (was OPDs joined to donors and to enrolments filtered by a
    # subquery of the same enrolments, 0,2 s for 21.000 enrolments on every dashboard).
    per_opd = {
        row["donor__opd_id"]: row
        for row in active.filter(donor__opd__isnull=False)
        .exclude(donor__opd_id__in=booked_opds)
        .order_by()
        .values("donor__opd_id")
        .annotate(enrolled=Count("pk"), expected=Sum("monthly_amount"))
    }
    missing_opds = [
        {
            **opd,
            "enrolled": per_opd[opd["pk"]]["enrolled"],
            "expected": per_opd[opd["pk"]]["expected"],
        }
        for opd in Opd.objects.filter(pk__in=per_opd).order_by("code").values("pk", "code", "name")
    ]
    expected = active.aggregate(s=Sum("monthly_amount"))["s"] or Decimal("0")
    received = Contribution.objects.filter(
        fund_id=scheme.fund_id, period=month, status=Contribution.Status.RECORDED
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return Arrears(
        month,
        scheme,
        missing,
        missing_opds,
        expected,
        received,
        due_on=payroll_due_date(month),
        today=today or timezone.localdate(),
    )


@dataclass
class StatementMonth:
    month: dt.date
    expected: Decimal
    received: Decimal
    due: bool = True

    @property
    def short(self) -> Decimal:
        """What is missing for a due month; a month not yet due is never short."""
        if not self.due:
            return Decimal("0")
        return max(self.expected - self.received, Decimal("0"))


@dataclass
class Statement:
    donor: Donor
    year: int
    months: list[StatementMonth]
    gifts: list[Contribution]

    @property
    def expected_total(self) -> Decimal:
        return sum((m.expected for m in self.months), Decimal("0"))

    @property
    def received_total(self) -> Decimal:
        return sum((g.amount for g in self.gifts), Decimal("0"))

    @property
    def months_in_arrears(self) -> list[StatementMonth]:
        return [m for m in self.months if m.short > 0]


def donor_statement_years(*, donor: Donor) -> list[dict]:
    """Return the years from the donor's first gift to now, newest first, each with its total.

    Years before the first gift are never offered (an enrolment alone is a
    promise, not a gift); a year in between without gifts is listed with Rp0
    and `printable` False, because an empty statement is not printed.
    """
    recorded = Contribution.objects.filter(donor=donor, status=Contribution.Status.RECORDED)
    first_gift = recorded.order_by("date").values_list("date", flat=True).first()
    if first_gift is None:
        return []
    totals = dict(
        recorded.values_list("date__year")
        .annotate(total=Sum("amount"))
        .values_list("date__year", "total")
    )
    this_year = timezone.localdate().year
    return [
        {"year": y, "total": totals.get(y, Decimal("0")), "printable": y in totals}
        for y in range(this_year, first_gift.year - 1, -1)
    ]


STATEMENT_CODE_PREFIX = "RS"


def donor_statement_code(statement: Statement) -> str:
    """Return the check code printed under a statement's QR code: `RS-2025-12-1A2B3C4D5E6F`.

    A keyed digest of the donor, the year and the gifts listed (receipt codes
    and amounts), so the public document check can tell whether a paper
    statement still matches the books without storing it or showing anything
    about the donor.
    """
    from django.utils.crypto import salted_hmac

    content = "|".join(
        [str(statement.donor.pk), str(statement.year)]
        + [
            f"{getattr(getattr(g, 'receipt', None), 'code', '')}:{g.amount}"
            for g in statement.gifts
        ]
    )
    digest = salted_hmac("kenanga.donor-statement", content).hexdigest()[:12].upper()
    return f"{STATEMENT_CODE_PREFIX}-{statement.year}-{statement.donor.pk}-{digest}"


def donor_statement_state_by_code(*, code: str) -> str | None:
    """Return "valid" when a statement code matches the books as they are now, else None.

    None makes the check say it does not know the number. Nothing about the donor.
    """
    parts = code.strip().upper().split("-")
    if len(parts) != 4 or parts[0] != STATEMENT_CODE_PREFIX:
        return None
    try:
        year, donor_pk = int(parts[1]), int(parts[2])
    except ValueError:
        return None
    donor = Donor.objects.filter(pk=donor_pk).first()
    if donor is None or not 2000 <= year <= 2100:
        return None
    statement = donor_statement(donor=donor, year=year)
    if not statement.gifts:
        return None
    # A code that no longer matches (a gift cancelled since) is answered like an unknown
    # one: telling it apart from a made-up code would say that this donor gave that year.
    return "valid" if donor_statement_code(statement) == code.strip().upper() else None


def donor_statement(*, donor: Donor, year: int, until: dt.date | None = None) -> Statement:
    """Return expected vs received per month of `year`, and every valid gift of that year."""
    until = until or dt.date.today()
    enrolments = list(donor.enrolments.all())
    gifts = list(
        contribution_list()
        .filter(donor=donor, status=Contribution.Status.RECORDED)
        .filter(Q(date__year=year) | Q(period__year=year))
        .order_by("date", "pk")
    )
    received_by_month: dict[dt.date, Decimal] = {}
    for g in gifts:
        if g.period:
            received_by_month[g.period] = received_by_month.get(g.period, Decimal("0")) + g.amount
    months = []
    for m in range(1, 13):
        month = dt.date(year, m, 1)
        if month > until:
            break
        expected = sum((e.monthly_amount for e in enrolments if e.covers(month)), Decimal("0"))
        months.append(
            StatementMonth(
                month,
                expected,
                received_by_month.get(month, Decimal("0")),
                due=payroll_due_date(month) <= until,
            )
        )
    # Gifts of the year by the date money arrived (a December deduction paid in January counts
    # in the month it is for, but on the statement of the year it was received).
    gifts = [g for g in gifts if g.date.year == year]
    return Statement(donor=donor, year=year, months=months, gifts=gifts)


def contributions_received(*, start: dt.date, end: dt.date) -> list[dict]:
    """Return money received between two dates (inclusive) by fund and channel, for public reports.

    Reversed gifts are left out; figures are sums, never single donors.
    """
    return list(
        Contribution.objects.filter(
            status=Contribution.Status.RECORDED, date__gte=start, date__lte=end
        )
        .values("fund__code", "fund__name", "channel")
        .annotate(total=Sum("amount"), gifts=Count("pk"), donors=Count("donor", distinct=True))
        .order_by("fund__code", "channel")
    )


def public_partners(*, start: dt.date, end: dt.date) -> list[dict]:
    """Return who gave between two dates as the public may see them, with their totals.

    Companies and institutions by name; people with recorded consent as
    initials; everyone else together as "Hamba Allah".
    """
    totals: dict[str, Decimal] = {}
    rows = (
        Contribution.objects.filter(
            status=Contribution.Status.RECORDED, date__gte=start, date__lte=end
        )
        .values("donor")
        .annotate(total=Sum("amount"))
    )
    donors = Donor.objects.in_bulk([r["donor"] for r in rows])
    for r in rows:
        label = donors[r["donor"]].public_label
        totals[label] = totals.get(label, Decimal("0")) + r["total"]
    return [{"name": k, "total": v} for k, v in sorted(totals.items(), key=lambda kv: -kv[1])]


def gift_totals_by_donor_kind(*, start: dt.date, end: dt.date) -> list[dict]:
    """Return single gifts (not payroll) booked between two dates by fund and donor kind.

    Dated as the ledger dates them: a gift counts on its transaction's date and
    its reversal counts, negative, on the reversal's date, so these sums match
    the ledger's contribution transactions that reference a gift.
    """
    gifts = Contribution.objects.filter(payroll_import__isnull=True)
    booked = (
        gifts.filter(transaction__date__gte=start, transaction__date__lte=end)
        .values("fund__code", "donor__kind")
        .annotate(total=Sum("amount"))
    )
    reversed_ = (
        gifts.filter(reversal_transaction__date__gte=start, reversal_transaction__date__lte=end)
        .values("fund__code", "donor__kind")
        .annotate(total=Sum("amount"))
    )
    totals: dict[tuple[str, str], Decimal] = {}
    for sign, rows in ((1, booked), (-1, reversed_)):
        for r in rows:
            key = (r["fund__code"], r["donor__kind"])
            totals[key] = totals.get(key, Decimal("0")) + sign * r["total"]
    return [
        {"fund_code": fund, "donor_kind": kind, "amount": amount}
        for (fund, kind), amount in sorted(totals.items())
    ]


def receipt_state_by_code(*, code: str) -> str | None:
    """Return "valid" or "void" for a receipt code such as 000123/TTS/2025, else None."""
    parts = code.strip().upper().split("/")
    if len(parts) != 3 or parts[1] not in ("TTS", "BSZ"):
        return None
    try:
        number, year = int(parts[0]), int(parts[2])
    except ValueError:
        return None
    receipt = (
        Receipt.objects.filter(year=year, number=number, is_zakat=parts[1] == "BSZ")
        .only("status")
        .first()
    )
    return receipt.status if receipt else None


def receipt_token_exists(*, token: str) -> bool:
    return Receipt.objects.filter(token=token).exists()
