"""Reads of the household registry, for our views and for the other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _

from beneficiaries.models import (
    CampaignItem,
    Card,
    Complaint,
    Criterion,
    EmergencyLetter,
    HomeVisit,
    Household,
    Membership,
    Region,
    Registration,
)
from beneficiaries.services import kk_hash, nik_hash
from core.roles import Role

# Roles whose work needs the full NIK and KK number (the home visit, the
# decision). Everyone else sees them masked; every full view is audited.
FULL_IDENTITY_ROLES = frozenset({Role.VERIFIER, Role.HEAD})


def may_see_identity(user) -> bool:
    return bool(user.roles & FULL_IDENTITY_ROLES)


def household_eligibility(*, household: Household, on: dt.date) -> tuple[bool, str]:
    """Return whether the household may receive help on `on`, and why (in Indonesian)."""
    cards = list(Card.objects.filter(household=household).order_by("-valid_until"))
    for card in cards:
        if card.is_valid_on(on):
            return True, _("Kartu %(n)s berlaku sampai %(d)s.") % {
                "n": card.number,
                "d": formats.date_format(card.valid_until, "j M Y"),
            }
    letters = EmergencyLetter.objects.filter(household=household).order_by("-valid_until")
    for letter in letters:
        if letter.is_valid_on(on):
            return True, _("Surat rekomendasi %(n)s berlaku sampai %(d)s.") % {
                "n": letter.number,
                "d": formats.date_format(letter.valid_until, "j M Y"),
            }
    if cards:
        last = cards[0]
        if last.revoked_on is not None and last.revoked_on <= on:
            return False, _("Kartu %(n)s dicabut pada %(d)s.") % {
                "n": last.number,
                "d": formats.date_format(last.revoked_on, "j M Y"),
            }
        if last.valid_until < on:
            return False, _("Kartu %(n)s habis berlaku pada %(d)s; perlu verifikasi ulang.") % {
                "n": last.number,
                "d": formats.date_format(last.valid_until, "j M Y"),
            }
        return False, _("Kartu %(n)s baru berlaku mulai %(d)s.") % {
            "n": last.number,
            "d": formats.date_format(last.valid_from, "j M Y"),
        }
    if letters.exists():
        return False, _("Surat rekomendasi darurat sudah habis berlaku.")
    return False, _("Belum ada kartu atau surat rekomendasi yang berlaku.")


def household_is_eligible(*, household: Household, on: dt.date) -> bool:
    """Return True when a valid card or emergency letter covers `on`."""
    return household_eligibility(household=household, on=on)[0]


def _covered_on(on: dt.date) -> Q:
    """Return the condition on a household: a card or a letter covers it on `on`."""
    cards = Card.objects.filter(
        household=OuterRef("pk"), valid_from__lte=on, valid_until__gte=on
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
    letters = EmergencyLetter.objects.filter(
        household=OuterRef("pk"), valid_from__lte=on, valid_until__gte=on
    )
    return Q(Exists(cards)) | Q(Exists(letters))


def covered_households_q(*, on: dt.date) -> Q:
    """Return the condition "a card or a letter covers the household on `on`" as two id sets.

    For grouped counts over the whole registry: each set is read once and hashed,
    where the per-household EXISTS of eligible_households probes twice a household.
    """
    cards = Card.objects.filter(valid_from__lte=on, valid_until__gte=on).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    )
    letters = EmergencyLetter.objects.filter(valid_from__lte=on, valid_until__gte=on)
    return Q(pk__in=cards.values("household_id")) | Q(pk__in=letters.values("household_id"))


def eligible_households(*, on: dt.date) -> QuerySet[Household]:
    """Return the households covered on `on` by a card or a letter (for other apps' forms)."""
    return Household.objects.filter(_covered_on(on))


def household_by_nik(*, nik: str) -> Household | None:
    """Return the active household of the person with this NIK (keyed-hash look-up)."""
    membership = (
        Membership.objects.filter(person__nik_hash=nik_hash(nik), ended_on__isnull=True)
        .select_related("household")
        .first()
    )
    return membership.household if membership else None


def household_search(*, q: str = "", village: str = "") -> QuerySet[Household]:
    """Search by NIK or KK number (exact, by keyed hash), by member name, or by village."""
    households = Household.objects.select_related("village", "village__parent").annotate(
        members=Count("memberships", filter=Q(memberships__ended_on__isnull=True))
    )
    q = (q or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) == 16:
            households = households.filter(
                Q(kk_hash=kk_hash(digits))
                | Q(
                    memberships__person__nik_hash=nik_hash(digits),
                    memberships__ended_on__isnull=True,
                )
            )
        else:
            households = households.filter(
                memberships__person__name__icontains=q, memberships__ended_on__isnull=True
            )
    if village:
        households = households.filter(village__code__startswith=village)
    return households.distinct().order_by("village__code", "pk")


def household_detail(*, pk: int) -> Household:
    return (
        Household.objects.select_related("village", "village__parent", "village__parent__parent")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("person").order_by(
                    "ended_on", "relation", "person__birth_date"
                ),
            ),
            "cards",
            "letters",
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related(
                    "decision", "decision__decided_by", "visit", "visit__verifier", "registered_by"
                ),
            ),
        )
        .get(pk=pk)
    )


def visits_for_verifier(*, verifier) -> QuerySet[HomeVisit]:
    """Return the verifier's open visits with the head of household (`heads`) to find the house."""
    heads = Membership.objects.filter(
        relation=Membership.Relation.HEAD, ended_on__isnull=True
    ).select_related("person")
    return (
        HomeVisit.objects.filter(verifier=verifier, status=HomeVisit.Status.ASSIGNED)
        .select_related("registration__household__village__parent")
        .prefetch_related(
            Prefetch("registration__household__memberships", queryset=heads, to_attr="heads")
        )
        .order_by("assigned_at", "pk")
    )


def decision_queue() -> QuerySet[Registration]:
    # The number of criteria of each visit's set comes with the row (was one query per row).
    criteria_total = (
        Criterion.objects.filter(criteria_set=OuterRef("visit__criteria_set"))
        .order_by()
        .values("criteria_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Registration.objects.filter(status=Registration.Status.AWAITING_DECISION)
        .select_related(
            "household__village__parent", "visit", "visit__verifier", "visit__criteria_set"
        )
        .annotate(criteria_total=Coalesce(Subquery(criteria_total), 0))
        .order_by("registered_at", "pk")
    )


def village_names(*, codes) -> dict[str, tuple[str, str]]:
    """Return {village code: (village name, kecamatan name)} in one query.

    For pages that group households by village on their own table and need only
    the names of the few hundred villages found.
    """
    return {
        code: (name, parent)
        for code, name, parent in Region.objects.filter(code__in=list(codes)).values_list(
            "code", "name", "parent__name"
        )
    }


def village_statistics(*, prefix: str = "") -> list[dict]:
    """Return per village: households, listed, eligible today, open visits.

    Three grouped queries instead of one over households joined to their
    registrations and regions: that join needed COUNT(DISTINCT) over every
    household (0,5 s for 75.000); each table grouped on its own is a single pass.
    """
    today = dt.date.today()
    rows = list(
        Household.objects.filter(village__code__startswith=prefix)
        .values("village_id")
        .annotate(
            households=Count("pk"),
            listed=Count("pk", filter=~Q(list_source="")),
            # Two sets of covered households, each read once (hashed), instead of two
            # look-ups per household: 0,8 s → a single pass for 75.000 households.
            eligible=Count("pk", filter=covered_households_q(on=today)),
        )
        .order_by("village_id")
    )
    awaiting = dict(
        Registration.objects.filter(household__village__code__startswith=prefix)
        .exclude(status=Registration.Status.DECIDED)
        .values("household__village_id")
        .annotate(n=Count("pk"))
        .values_list("household__village_id", "n")
    )
    names = village_names(codes=[row["village_id"] for row in rows])
    return [
        {
            "village__code": row["village_id"],
            "village__name": names.get(row["village_id"], ("", ""))[0],
            "village__parent__name": names.get(row["village_id"], ("", ""))[1],
            "households": row["households"],
            "listed": row["listed"],
            "eligible": row["eligible"],
            "awaiting": awaiting.get(row["village_id"], 0),
        }
        for row in rows
    ]


def campaign_summary(*, campaign) -> list[dict]:
    """Return L/B/P and error counts per village for one campaign."""
    return list(
        CampaignItem.objects.filter(campaign=campaign)
        .values("household__village__code", "household__village__name")
        .annotate(
            total=Count("pk"),
            lulus=Count("pk", filter=Q(outcome="L")),
            baru=Count("pk", filter=Q(outcome="B")),
            pas=Count("pk", filter=Q(outcome="P")),
            pending=Count("pk", filter=Q(outcome="")),
            inclusion=Count("pk", filter=Q(error="inclusion")),
            exclusion=Count("pk", filter=Q(error="exclusion")),
        )
        .order_by("household__village__code")
    )


def complaints_overdue(*, today: dt.date) -> QuerySet[Complaint]:
    return Complaint.objects.filter(answered_at__isnull=True, due_on__lt=today)


def districts_of(regency_code: str) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=regency_code, level=Region.Level.DISTRICT)


def region_names(*, codes) -> dict[str, str]:
    """Return the names of the given Kemendagri codes in one query (unknown codes left out)."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def document_state_by_number(*, number: str, today: dt.date) -> str | None:
    """Return "valid" or "expired" for a card or letter number, else None. Nothing personal."""
    number = number.strip()
    if not number:
        return None
    document = (
        Card.objects.filter(number=number).first()
        or EmergencyLetter.objects.filter(number=number).first()
    )
    if document is None:
        return None
    return "valid" if document.is_valid_on(today) else "expired"


def document_token_exists(*, token: str) -> bool:
    return (
        Card.objects.filter(check_token=token).exists()
        or EmergencyLetter.objects.filter(check_token=token).exists()
    )
