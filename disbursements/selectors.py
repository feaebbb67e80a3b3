"""Reads of requests, payments and coverage, for our views and for other apps.

`public_aid_summary` and `public_completed_rehabs` are what the transparency
portal calls: aggregates and, only with recorded consent, initials.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from beneficiaries.models import Household, Membership, Region
from disbursements.models import (
    ZERO,
    Batch,
    DisbursementRequest,
    Evidence,
    EvidenceKind,
    InKindDelivery,
    Payment,
    Policy,
    ProgrammeRule,
)

RTLH = "rtlh"
Status = DisbursementRequest.Status


def policy_get() -> Policy:
    """Return the approval policy (an unsaved default before an admin sets it)."""
    return Policy.objects.order_by("pk").first() or Policy()


def rule_for(*, programme, on: dt.date) -> ProgrammeRule | None:
    """Return the programme's rule version valid on `on`."""
    return (
        ProgrammeRule.objects.filter(programme=programme, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def initials(name: str) -> str:
    """Return a name as initials in the published form: 'Sri Wahyuni' -> 'S*** W***'."""
    return " ".join(f"{part[0].upper()}***" for part in (name or "").split() if part[:1].isalpha())


# --- for the transparency portal ----------------------------------------------------------------
def public_aid_summary(
    *, date_from: dt.date, date_to: dt.date, fund_code: str | None = None
) -> list[dict]:
    """Return paid aid per (programme, desa) in the period, net of reversed payments.

    `persons` counts the members concerned: the pupil or patient named on the
    request, or every active member of the household for household-wide help
    (a house rehab). `houses_completed` counts rtlh requests closed in the period.
    """
    payments = Payment.objects.filter(date__gte=date_from, date__lte=date_to, reversal__isnull=True)
    closed = DisbursementRequest.objects.filter(
        programme__code=RTLH, status=Status.CLOSED, closed_on__gte=date_from, closed_on__lte=date_to
    )
    if fund_code:
        payments = payments.filter(request__fund__code=fund_code)
        closed = closed.filter(fund__code=fund_code)
    rows: dict[tuple[str, str], dict] = {}

    def row(code: str, name: str, desa: str, kecamatan: str) -> dict:
        key = (code, desa)
        if key not in rows:
            rows[key] = {
                "programme": code,
                "programme_name": name,
                "desa": desa,
                "kecamatan": kecamatan,
                "households": set(),
                "persons": set(),
                "amount": ZERO,
                "houses_completed": 0,
            }
        return rows[key]

    whole_households = set()
    paid = payments.values_list(
        "request__programme__code",
        "request__programme__name",
        "request__desa",
        "request__kecamatan",
        "request__household_id",
        "request__member_id",
        "amount",
    )
    for code, name, desa, kecamatan, household_id, member_id, amount in paid.iterator():
        target = row(code, name, desa, kecamatan)
        target["households"].add(household_id)
        target["amount"] += amount
        if member_id:
            target["persons"].add(("p", member_id))
        else:
            target["persons"].add(("h", household_id))
            whole_households.add(household_id)
    members = defaultdict(set)
    if whole_households:
        for household_id, person_id in Membership.objects.filter(
            household_id__in=whole_households, ended_on__isnull=True
        ).values_list("household_id", "person_id"):
            members[household_id].add(person_id)
    for code, name, desa, kecamatan in closed.values_list(
        "programme__code", "programme__name", "desa", "kecamatan"
    ):
        row(code, name, desa, kecamatan)["houses_completed"] += 1
    result = []
    for key in sorted(rows):
        item = rows[key]
        persons = set()
        for tag, pk in item["persons"]:
            persons |= {pk} if tag == "p" else members.get(pk, set()) or {("h", pk)}
        item["households"] = len(item["households"])
        item["persons"] = len(persons)
        result.append(item)
    return result


def public_completed_rehabs(*, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Return the house rehabs closed in the period; initials only with recorded consent."""
    closed = (
        DisbursementRequest.objects.filter(
            programme__code=RTLH,
            status=Status.CLOSED,
            closed_on__gte=date_from,
            closed_on__lte=date_to,
        )
        .order_by("closed_on", "pk")
        .values_list(
            "household_id",
            "desa",
            "kecamatan",
            "closed_on",
            "publication_consent",
            "photos_consent",
        )
    )
    closed = list(closed)
    consenting = {hh for hh, _d, _k, _c, consent, _p in closed if consent}
    heads = dict(
        Membership.objects.filter(
            household_id__in=consenting,
            ended_on__isnull=True,
            relation=Membership.Relation.HEAD,
        ).values_list("household_id", "person__name")
    )
    return [
        {
            "desa": desa,
            "kecamatan": kecamatan,
            "completed_on": closed_on,
            "initials": initials(heads.get(household_id, "")) if consent else "",
            "photos_consented": bool(photos),
        }
        for household_id, desa, kecamatan, closed_on, consent, photos in closed
    ]


def consented_rehab_photos(*, fund_ids, limit: int = 12) -> list[dict]:
    """Return before/after photos of completed house rehabs paid from these funds.

    Only where the household's consent to publish photos was recorded on the
    request (the same consent the transparency portal uses); only the desa and
    kecamatan names go with them, never a name, number or address.
    """
    requests = list(
        DisbursementRequest.objects.filter(
            fund_id__in=list(fund_ids),
            programme__code=RTLH,
            status=Status.CLOSED,
            photos_consent=True,
        )
        .order_by("closed_on", "pk")
        .values("pk", "fund_id", "desa", "kecamatan", "closed_on")[:limit]
    )
    if not requests:
        return []
    photos: dict[int, dict[str, int]] = {}
    for request_id, kind, evidence_id in (
        Evidence.objects.filter(
            request_id__in=[r["pk"] for r in requests],
            kind__in=[EvidenceKind.PHOTO_BEFORE, EvidenceKind.PHOTO_AFTER],
        )
        .order_by("pk")
        .values_list("request_id", "kind", "pk")
    ):
        photos.setdefault(request_id, {}).setdefault(kind, evidence_id)
    names = dict(
        Region.objects.filter(
            code__in={r["desa"] for r in requests} | {r["kecamatan"] for r in requests}
        ).values_list("code", "name")
    )
    return [
        {
            "fund_id": r["fund_id"],
            "desa": names.get(r["desa"], r["desa"]),
            "kecamatan": names.get(r["kecamatan"], r["kecamatan"]),
            "completed_on": r["closed_on"],
            "before": photos[r["pk"]].get(EvidenceKind.PHOTO_BEFORE),
            "after": photos[r["pk"]].get(EvidenceKind.PHOTO_AFTER),
        }
        for r in requests
        if r["pk"] in photos
    ]


def consented_rehab_photo(*, evidence_id: int, fund_ids):
    """Return the stored file of one photo listed by consented_rehab_photos, or None."""
    evidence = (
        Evidence.objects.select_related("stored", "request__programme")
        .filter(
            pk=evidence_id,
            kind__in=[EvidenceKind.PHOTO_BEFORE, EvidenceKind.PHOTO_AFTER],
            request__fund_id__in=list(fund_ids),
            request__programme__code=RTLH,
            request__status=Status.CLOSED,
            request__photos_consent=True,
        )
        .first()
    )
    return evidence.stored if evidence else None


# --- our own screens ----------------------------------------------------------------------------
def request_list(*, user=None) -> QuerySet[DisbursementRequest]:
    """Return requests with everything a list row shows, in one query."""
    return DisbursementRequest.objects.select_related(
        "programme", "fund", "household__village", "member", "requested_by"
    ).order_by("-pk")


def request_detail(*, pk: int) -> DisbursementRequest:
    return (
        DisbursementRequest.objects.select_related(
            "programme",
            "rule",
            "fund",
            "household__village__parent",
            "member",
            "requested_by",
            "approved_by",
            "second_approved_by",
            "decided_by",
            "closed_by",
            "batch",
        )
        .prefetch_related("evidence__stored", "payments__transaction", "payments__location")
        .get(pk=pk)
    )


def approval_queue(*, user) -> QuerySet[DisbursementRequest]:
    """Return what waits for a decision: first approvals, and the head's second ones."""
    from core.roles import Role

    states = [Status.SUBMITTED]
    if user.has_role(Role.HEAD, Role.AUDITOR, Role.ADMIN):
        states.append(Status.AWAITING_HEAD)
    return request_list().filter(status__in=states).order_by("requested_at", "pk")


def payment_queue() -> QuerySet[DisbursementRequest]:
    """Return approved requests with money still to pay, oldest approval first."""
    return request_list().filter(status__in=DisbursementRequest.PAYABLE).order_by("approved_at")


def waiting_counts() -> dict[str, int]:
    """Return how many requests wait for approval, for the head, and for payment (one query)."""
    # Only the waiting states are read (the (status, fund) index), not every request
    # of the past years: closed requests are nearly all of the table.
    waiting = [Status.SUBMITTED, Status.AWAITING_HEAD, *DisbursementRequest.PAYABLE]
    counts = DisbursementRequest.objects.filter(status__in=waiting).aggregate(
        approval=Count("pk", filter=Q(status=Status.SUBMITTED)),
        head=Count("pk", filter=Q(status=Status.AWAITING_HEAD)),
        payment=Count("pk", filter=Q(status__in=DisbursementRequest.PAYABLE)),
    )
    return counts


def requests_open_too_long(*, today: dt.date | None = None) -> QuerySet[DisbursementRequest]:
    """Return live, unclosed requests older than the policy allows."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=policy_get().open_too_long_days)
    return request_list().filter(status__in=DisbursementRequest.OPEN, requested_at__date__lt=limit)


def household_aid_history(*, household: Household) -> QuerySet[DisbursementRequest]:
    """Return every request of the household, all funds and channels, newest first."""
    return (
        DisbursementRequest.objects.filter(household=household)
        .select_related("programme", "fund", "member", "batch", "household__village")
        .order_by("-requested_at", "-pk")
    )


def household_inkind_history(*, household: Household) -> QuerySet[InKindDelivery]:
    """Return the goods a household received, valued, apart from its cash help."""
    return InKindDelivery.objects.filter(household=household).select_related("programme")


def batch_list() -> QuerySet[Batch]:
    return Batch.objects.select_related("programme", "fund", "requested_by").order_by("-pk")


def programme_dashboard(*, programme=None, year: int | None = None) -> dict:
    """Return spent, households and people served per programme and per kecamatan/desa."""
    payments = Payment.objects.filter(reversal__isnull=True)
    if year:
        payments = payments.filter(date__year=year)
    if programme is not None:
        payments = payments.filter(request__programme=programme)
    by_programme = list(
        payments.values("request__programme__code", "request__programme__name")
        .annotate(
            amount=Sum("amount"),
            households=Count("request__household", distinct=True),
            persons=Count("request__member", distinct=True),
            requests=Count("request", distinct=True),
        )
        .order_by("request__programme__code")
    )
    by_area = list(
        payments.values("request__kecamatan", "request__desa")
        .annotate(amount=Sum("amount"), households=Count("request__household", distinct=True))
        .order_by("request__kecamatan", "request__desa")
    )
    committed = DisbursementRequest.objects.filter(status__in=DisbursementRequest.PAYABLE)
    if programme is not None:
        committed = committed.filter(programme=programme)
    outstanding = committed.aggregate(s=Sum("amount") - Sum("paid_amount"))["s"] or ZERO
    return {"by_programme": by_programme, "by_area": by_area, "outstanding": outstanding}


def coverage_by_desa(
    *, on: dt.date | None = None, prefix: str = "", households_paid: bool = True
) -> list[dict]:
    """Return per desa: verified eligible households, how many got nothing, and what it received.

    Two grouped queries whatever the number of households, so the page does
    not slow down as the registry grows. `households_paid=False` leaves out the
    count of households paid, which the coverage page does not show: counting
    them distinctly sorts every payment of the regency (a third of the page's
    database time at 50.000 payments), where the amount alone is one hashed pass.
    """
    from beneficiaries.models import Household
    from beneficiaries.selectors import covered_households_q, village_names

    on = on or timezone.localdate()
    # Sets read once each (cards, letters, helped households), not looked up per
    # household: 1,9 s → a single pass for 75.000 households with 60.000 cards.
    helped = DisbursementRequest.objects.filter(status__in=DisbursementRequest.HELPED).values(
        "household_id"
    )
    eligible = Household.objects.filter(covered_households_q(on=on))
    if prefix:
        eligible = eligible.filter(village__code__startswith=prefix)
    # Grouped on the household table alone (no join, no distinct): the names of the
    # few hundred villages come in a query of their own.
    counts = {
        r["village_id"]: r
        for r in eligible.order_by()
        .values("village_id")
        .annotate(eligible=Count("pk"), unserved=Count("pk", filter=~Q(pk__in=helped)))
    }
    names = village_names(codes=counts)
    rows = {
        code: {
            "village__name": names.get(code, ("", ""))[0],
            "village__parent__name": names.get(code, ("", ""))[1],
            **counts[code],
        }
        for code in sorted(counts)
    }
    figures = {"amount": Sum("amount")}
    if households_paid:
        figures["households"] = Count("request__household", distinct=True)
    received = (
        Payment.objects.filter(reversal__isnull=True, request__desa__startswith=prefix)
        .values("request__desa")
        .annotate(**figures)
    )
    got = {r["request__desa"]: r for r in received}
    result = []
    for code, r in rows.items():
        g = got.get(code, {})
        row = {
            "desa": code,
            "desa_name": r["village__name"],
            "kecamatan_name": r["village__parent__name"],
            "eligible": r["eligible"],
            "unserved": r["unserved"],
            "served": r["eligible"] - r["unserved"],
            "amount": g.get("amount") or Decimal("0"),
        }
        if households_paid:
            row["households_paid"] = g.get("households") or 0
        result.append(row)
    return result


def unserved_households(*, on: dt.date | None = None, desa: str = "") -> QuerySet[Household]:
    """Return verified eligible households nobody has paid yet (the exclusion list)."""
    from beneficiaries.selectors import eligible_households

    on = on or timezone.localdate()
    helped = DisbursementRequest.objects.filter(
        household=OuterRef("pk"), status__in=DisbursementRequest.HELPED
    )
    qs = eligible_households(on=on).filter(~Q(Exists(helped))).select_related("village")
    if desa:
        qs = qs.filter(village__code=desa)
    return qs.order_by("village__code", "pk")


# --- document checks from the transparency portal -----------------------------------------------
def public_document_state(*, number: str) -> str | None:
    """Return "valid" or "void" for the number on a payment order or handover, else None."""
    status = (
        DisbursementRequest.objects.filter(number=number.strip())
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        return None
    return "valid" if status in DisbursementRequest.LIVE else "void"


def public_document_token_exists(*, token: str) -> bool:
    return DisbursementRequest.objects.filter(check_token=token).exists()
