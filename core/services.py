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
    "emblem",
    "city",
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
    _admin_flags_set(user, Role.ADMIN in wanted)
    if wanted != current:
        audit_log(
            user,
            "core.user.roles_changed",
            actor=actor,
            changes={"roles": [sorted(current), sorted(str(r) for r in wanted)]},
        )
    user._roles_cache = None


# --- Users: invitation, roles, deactivation, two-step verification -------------------


class UserAdminError(Exception):
    """A change to a user account is refused; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


def _require_admin(actor: User | None) -> None:
    """Only an active admin manages accounts, whichever path calls the service."""
    if actor is None or not actor.is_active or Role.ADMIN not in actor.roles:
        raise UserAdminError(_("Hanya administrator yang dapat mengelola pengguna."))


def _user_locked(user: User) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked._roles_cache = None
    return locked


def _refuse_partner_account(user: User) -> None:
    # A partner's account belongs to the company's sign-up and verification
    # (donors.csr): an admin sees it, and changes it only in an emergency.
    if UserRole.objects.filter(user=user, role=Role.CSR_PARTNER).exists():
        raise UserAdminError(
            _("Akun mitra CSR dibuat dan dikelola lewat pendaftaran mitra, bukan di sini.")
        )


def _other_active_admins(user: User) -> int:
    """Count the active admins other than `user`, locking their rows.

    Every change that could leave the unit without an admin takes these locks
    first, in the order of their keys, so that two admins removing each other at
    the same moment are serialised and the second one sees the first's change.
    """
    admins = (
        User.objects.select_for_update()
        .filter(is_active=True, role_assignments__role=Role.ADMIN)
        .order_by("pk")
    )
    return sum(1 for admin in admins if admin.pk != user.pk)


def _admin_flags_set(user: User, is_admin: bool) -> None:
    # The admin role, and only it, opens the Django admin (read-only for accounts).
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


def _roles_sync_admin_flags(user: User) -> None:
    _admin_flags_set(user, UserRole.objects.filter(user=user, role=Role.ADMIN).exists())


def user_sessions_end(*, user: User) -> int:
    """End every login session of `user` (sessions live in the database); return how many."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_invite(*, email: str, full_name: str, roles: list[str], actor: User) -> User:
    """Create an account without a password and mail the person a link to choose their own."""
    _require_admin(actor)
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from core.roles import INVITABLE_ROLES

    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not full_name:
        raise UserAdminError(_("Nama wajib diisi."), field="full_name")
    try:
        validate_email(email)
    except ValidationError:
        raise UserAdminError(_("Alamat e-mail tidak sah."), field="email") from None
    wanted = set(roles or ())
    if not wanted:
        raise UserAdminError(_("Pilih sedikitnya satu peran."), field="roles")
    if wanted - {str(r) for r in INVITABLE_ROLES}:
        raise UserAdminError(
            _("Peran ini tidak dapat diberikan lewat undangan: mitra CSR mendaftar sendiri."),
            field="roles",
        )
    if User.objects.filter(email__iexact=email).exists():
        raise UserAdminError(
            _("Alamat e-mail ini sudah dipakai akun lain. Cari penggunanya di daftar."),
            field="email",
        )
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=None, full_name=full_name)
    except IntegrityError:  # the same address invited twice at the same moment
        raise UserAdminError(
            _("Alamat e-mail ini sudah dipakai akun lain. Cari penggunanya di daftar."),
            field="email",
        ) from None
    for role in sorted(wanted):
        UserRole.objects.create(user=user, role=role)
    _roles_sync_admin_flags(user)
    audit_log(
        user,
        "core.user.invited",
        actor=actor,
        changes={"email": email, "full_name": full_name, "roles": sorted(wanted)},
    )
    from core.tasks import user_invitation_send

    transaction.on_commit(lambda: user_invitation_send.delay(user.pk))
    return user


@transaction.atomic
def user_role_grant(*, user: User, role: str, actor: User) -> User:
    """Give `user` one more role."""
    _require_admin(actor)
    from core.roles import INVITABLE_ROLES

    user = _user_locked(user)
    _refuse_partner_account(user)
    if role not in {str(r) for r in INVITABLE_ROLES}:
        raise UserAdminError(_("Pilih peran yang akan diberikan."), field="role")
    if UserRole.objects.filter(user=user, role=role).exists():
        raise UserAdminError(_("Pengguna ini sudah memegang peran itu."), field="role")
    UserRole.objects.create(user=user, role=role)
    _roles_sync_admin_flags(user)
    audit_log(user, "core.user.role_granted", actor=actor, changes={"role": [None, role]})
    user._roles_cache = None
    return user


@transaction.atomic
def user_role_revoke(*, user: User, role: str, actor: User) -> User:
    """Take one role away from `user`; the last active admin keeps theirs."""
    _require_admin(actor)
    other_admins = _other_active_admins(user) if role == Role.ADMIN else None
    user = _user_locked(user)
    _refuse_partner_account(user)
    if not UserRole.objects.filter(user=user, role=role).exists():
        raise UserAdminError(_("Pengguna ini tidak memegang peran itu."), field="role")
    if role == Role.ADMIN and user.is_active and other_admins == 0:
        raise UserAdminError(
            _(
                "Ini administrator aktif terakhir: beri dulu peran administrator kepada orang "
                "lain, baru cabut peran ini."
            )
        )
    UserRole.objects.filter(user=user, role=role).delete()
    _roles_sync_admin_flags(user)
    audit_log(user, "core.user.role_revoked", actor=actor, changes={"role": [role, None]})
    user._roles_cache = None
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Close an account and end its sessions; the last active admin stays."""
    _require_admin(actor)
    is_admin = UserRole.objects.filter(user=user, role=Role.ADMIN).exists()
    other_admins = _other_active_admins(user) if is_admin else None
    user = _user_locked(user)
    _refuse_partner_account(user)
    if not user.is_active:
        raise UserAdminError(_("Akun ini sudah nonaktif."))
    if is_admin and other_admins == 0:
        raise UserAdminError(
            _(
                "Ini administrator aktif terakhir: tanpa dia tidak ada yang dapat mengelola "
                "pengguna. Beri dulu peran administrator kepada orang lain."
            )
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = user_sessions_end(user=user)
    audit_log(
        user,
        "core.user.deactivated",
        actor=actor,
        changes={"is_active": [True, False], "sessions_ended": ended},
    )
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User) -> User:
    """Open a closed account again (with the roles it had)."""
    _require_admin(actor)
    user = _user_locked(user)
    _refuse_partner_account(user)
    if user.is_active:
        raise UserAdminError(_("Akun ini sudah aktif."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_log(user, "core.user.reactivated", actor=actor, changes={"is_active": [False, True]})
    return user


@transaction.atomic
def user_mfa_reset(*, user: User, actor: User) -> User:
    """Remove the user's authenticator and recovery codes; they set up TOTP again at next login.

    Used when a phone is lost: the old device no longer opens the account, and
    the sessions it may still hold end now.
    """
    _require_admin(actor)
    from allauth.mfa.models import Authenticator

    user = _user_locked(user)
    _refuse_partner_account(user)
    kinds = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    if not kinds:
        raise UserAdminError(_("Pengguna ini belum memasang verifikasi dua langkah."))
    Authenticator.objects.filter(user=user).delete()
    ended = user_sessions_end(user=user)
    audit_log(
        user,
        "core.user.mfa_reset",
        actor=actor,
        changes={"authenticators": [kinds, []], "sessions_ended": ended},
    )
    user._has_mfa = False
    return user
