from core.models import AuditEntry, User
from tests.conftest import make_user


def test_the_django_admin_shows_accounts_but_changes_none_of_them(personas, login):
    """Roles, activity and e-mail change only through the audited Kenanga screens."""
    client = login(personas["admin"])
    target = personas["outsider"]
    assert client.get("/admin/core/user/").status_code == 200
    assert client.get(f"/admin/core/user/{target.pk}/change/").status_code == 200  # view only
    response = client.post(
        f"/admin/core/user/{target.pk}/change/",
        {
            "email": "penyerang@uji.test",
            "full_name": "Orang Luar",
            "is_active": "on",
            "roles": ["verifier", "treasurer"],
        },
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.roles == frozenset() and target.email != "penyerang@uji.test"
    assert client.get("/admin/core/user/add/").status_code == 403
    assert client.post(f"/admin/core/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=target.pk).exists()
    assert not AuditEntry.objects.filter(object_id=str(target.pk)).exists()


def test_e_mail_addresses_and_authenticators_are_not_in_the_django_admin(personas, login):
    client = login(personas["admin"])
    assert client.get("/admin/account/emailaddress/").status_code == 404
    assert client.get("/admin/mfa/authenticator/").status_code == 404


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
