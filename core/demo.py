"""Demo data of the core app: an organisation like UPTPK Sragen and one user per role."""

from __future__ import annotations

from core.models import Organisation, User
from core.roles import Role
from core.services import user_roles_set

DEMO_PASSWORD = "kenanga-demo-2025"
# Demo-only TOTP secret for the roles that must use MFA: add it to any
# authenticator app (or use `python manage.py demo_totp EMAIL`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_USERS = [
    ("pengelola@kenanga.test", "Sri Wahyuni", [Role.FUND_MANAGER]),
    ("verifikator@kenanga.test", "Bambang Setiawan", [Role.VERIFIER]),
    ("verifikator2@kenanga.test", "Dewi Lestari", [Role.VERIFIER]),
    ("bendahara@kenanga.test", "Siti Rahayu", [Role.TREASURER]),
    ("kepala@kenanga.test", "Drs. Heru Santoso", [Role.HEAD]),
    ("auditor@kenanga.test", "Agus Prasetyo", [Role.AUDITOR]),
    ("mitra@kenanga.test", "PT Bank Jateng (CSR)", [Role.CSR_PARTNER]),
    ("donatur@kenanga.test", "Yuni Astuti", [Role.CONTRIBUTOR]),
    ("admin@kenanga.test", "Admin Kenanga", [Role.ADMIN]),
]


def seed_organisation() -> Organisation:
    org = Organisation.objects.order_by("pk").first()
    if org is None:
        org = Organisation.objects.create(
            name="UPTPK Kabupaten Sragen",
            short_name="UPTPK Sragen",
            legal_status=Organisation.LegalStatus.COMMUNITY_FUND,
            pub_permit_number="",
            npwp="01.234.567.8-528.000",
            address="Jl. Raya Sukowati No. 255, Sragen, Jawa Tengah 57211",
            city="Sragen",
            region_code="33.14",
            phone="(0271) 891000",
            email="uptpk@sragenkab.go.id",
            signatory_name="Drs. Heru Santoso, M.Si.",
            signatory_title="Kepala UPTPK Kabupaten Sragen",
            signatory_nip="196805121994031007",
            treasurer_signatory_name="Siti Rahayu, S.E.",
            treasurer_signatory_nip="198003142006042012",
        )
    return org


def seed_users() -> dict[str, User]:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    users = {}
    for email, name, roles in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        user_roles_set(user=user, roles=roles, actor=None)
        if (
            user.needs_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users.setdefault(str(roles[0]), user)
    return users
