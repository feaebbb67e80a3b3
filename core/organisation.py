"""The deployment's one organisation profile."""

from __future__ import annotations

from core.models import Organisation


def get_organisation() -> Organisation:
    """Return the organisation profile, or an unsaved placeholder before set-up."""
    org = Organisation.objects.order_by("pk").first()
    return org or Organisation(name="Kenanga")


def organisation_is_zakat_body() -> bool:
    return get_organisation().is_zakat_body
