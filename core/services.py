"""Writes of the core app: organisation profile and roles, each audited."""

from __future__ import annotations

from django.db import transaction

from core.audit import audit_log, diff, snapshot
from core.models import Organisation, User, UserRole
from core.roles import Role

ORG_FIELDS = [
    "name",
    "short_name",
    "legal_status",
    "pub_permit_number",
    "zakat_license_number",
    "npwp",
    "address",
    "region_code",
    "phone",
    "email",
    "signatory_name",
    "signatory_title",
    "signatory_nip",
    "treasurer_signatory_name",
    "treasurer_signatory_nip",
    "logo",
    "emblem",
    "city",
]


@transaction.atomic
def organisation_save(*, form, actor: User) -> Organisation:
    """Save the organisation profile form and audit what changed."""
    instance = form.instance
    created = instance.pk is None
    before = {} if created else snapshot(Organisation.objects.get(pk=instance.pk), ORG_FIELDS)
    org = form.save()
    changes = diff(before, snapshot(org, ORG_FIELDS))
    audit_log(
        org,
        "core.organisation.created" if created else "core.organisation.updated",
        actor=actor,
        changes=changes,
    )
    return org


@transaction.atomic
def user_roles_set(*, user: User, roles: list[str], actor: User | None) -> None:
    """Give `user` exactly `roles`, auditing what was granted and revoked."""
    wanted = {Role(r) for r in roles}
    current = set(user.role_assignments.values_list("role", flat=True))
    for role in wanted - current:
        UserRole.objects.create(user=user, role=role)
    UserRole.objects.filter(user=user, role__in=current - wanted).delete()
    # The admin role is what opens the Django admin (users, roles, MFA devices).
    is_admin = Role.ADMIN in wanted
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    if wanted != current:
        audit_log(
            user,
            "core.user.roles_changed",
            actor=actor,
            changes={"roles": [sorted(current), sorted(str(r) for r in wanted)]},
        )
    user._roles_cache = None
