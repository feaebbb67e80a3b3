"""Reads of the core app used by its views."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from core.models import User, UserRole


def users_for_admin() -> QuerySet[User]:
    """Return every account with its roles and whether TOTP is set up, for the user list.

    The roles come in one extra query for the whole page and the TOTP flag is a
    subquery, so the list costs the same whatever its length.
    """
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return (
        User.objects.annotate(has_totp=Exists(totp))
        .prefetch_related(Prefetch("role_assignments", queryset=UserRole.objects.order_by("role")))
        .order_by("full_name", "email")
    )
