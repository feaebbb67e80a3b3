"""Writes of the core app: organisation profile and roles, each audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

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
]


class OrganisationError(Exception):
    """The organisation profile cannot be saved so; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


def organisation_problems(values: dict) -> dict[str, str]:
    """Return {field: reason} for every rule the profile's values break; empty when none."""
    problems = {}
    if not str(values.get("name") or "").strip():
        problems["name"] = _("Nama organisasi wajib diisi.")
    if values.get("legal_status") not in Organisation.LegalStatus.values:
        problems["legal_status"] = _("Pilih status hukum.")
    if (
        values.get("legal_status") == Organisation.LegalStatus.ZAKAT_BODY
        and not str(values.get("zakat_license_number") or "").strip()
    ):
        problems["zakat_license_number"] = _(
            "Lembaga pengelola zakat wajib mencantumkan nomor izinnya (UU 23/2011)."
        )
    npwp = "".join(ch for ch in str(values.get("npwp") or "") if ch.isdigit())
    if npwp and len(npwp) not in (15, 16):
        problems["npwp"] = _("NPWP harus 15 atau 16 angka.")
    for field in ("signatory_nip", "treasurer_signatory_nip"):
        value = str(values.get(field) or "").strip()
        if value and (not value.isdigit() or len(value) != 18):
            problems[field] = _("NIP harus 18 angka.")
    return problems


@transaction.atomic
def organisation_update(*, actor: User, **values) -> Organisation:
    """Set the organisation profile (creating it at first set-up) and audit what changed."""
    unknown = set(values) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {', '.join(sorted(unknown))}")
    org = Organisation.objects.select_for_update().order_by("pk").first()
    created = org is None
    org = org or Organisation()
    before = {} if created else snapshot(org, ORG_FIELDS)
    merged = {name: getattr(org, name) for name in ORG_FIELDS}
    merged.update(values)
    problems = organisation_problems(merged)
    if problems:
        field, message = next(iter(problems.items()))
        raise OrganisationError(message, field=field)
    for name, value in merged.items():
        if name == "logo" and value is False:  # the form's "clear" box
            org.logo = ""
            continue
        setattr(org, name, value.strip() if isinstance(value, str) else value)
    org.save()
    audit_log(
        org,
        "core.organisation.created" if created else "core.organisation.updated",
        actor=actor,
        changes=diff(before, snapshot(org, ORG_FIELDS)),
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
