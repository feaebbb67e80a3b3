from core.models import AuditEntry, User
from tests.conftest import make_user


def test_an_admin_grants_roles_in_the_admin_and_the_grant_is_audited(personas, login):
    client = login(personas["admin"])
    target = personas["outsider"]
    response = client.post(
        f"/admin/core/user/{target.pk}/change/",
        {
            "email": target.email,
            "full_name": "Orang Luar",
            "is_active": "on",
            "roles": ["verifier", "treasurer"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert User.objects.get(pk=target.pk).roles == {"verifier", "treasurer"}
    entry = AuditEntry.objects.filter(
        action="core.user.roles_changed", object_id=str(target.pk)
    ).last()
    assert entry.actor == personas["admin"]
    assert entry.changes["roles"] == [[], ["treasurer", "verifier"]]


def test_only_the_admin_role_opens_the_django_admin(personas, login):
    assert login(personas["head"]).get("/admin/").status_code in (302, 403)
    assert login(personas["admin"]).get("/admin/").status_code == 200


def test_an_admin_without_totp_cannot_use_the_django_admin(org, client):
    user = make_user("admin.baru@uji.test", ["admin"], mfa=False)
    assert user.is_staff
    client.force_login(user)
    response = client.get("/admin/core/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_revoking_the_admin_role_closes_the_admin(personas):
    from core.services import user_roles_set

    admin = personas["admin"]
    user_roles_set(user=admin, roles=["auditor"], actor=None)
    admin.refresh_from_db()
    assert not admin.is_staff and not admin.is_superuser
