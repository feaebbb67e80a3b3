"""The admin's own screen for users and roles: invite, grant, revoke, deactivate, reset TOTP."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from core.models import AuditEntry, User
from core.services import (
    UserAdminError,
    user_deactivate,
    user_invite,
    user_mfa_reset,
    user_reactivate,
    user_role_grant,
    user_role_revoke,
)
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "Kenanga-baru-2026"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the invitation mail), as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _entries(user, action):
    return AuditEntry.objects.filter(object_type="core.user", object_id=str(user.pk), action=action)


def _invite_link(message) -> str:
    match = re.search(r"https?://\S+/akun/password/reset/key/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- Invitation ----------------------------------------------------------------------


def test_an_invited_person_gets_a_mail_whose_link_sets_their_own_password(
    personas, client, committed
):
    admin = personas["admin"]
    with committed():
        user = user_invite(
            email="Dewi.Bendahara@Uji.test", full_name="Dewi", roles=["treasurer"], actor=admin
        )
    assert user.email == "dewi.bendahara@uji.test"
    assert not user.has_usable_password()
    assert user.roles == {"treasurer"}
    entry = _entries(user, "core.user.invited").get()
    assert entry.actor == admin and entry.changes["roles"] == ["treasurer"]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dewi.bendahara@uji.test"]
    assert "Bendahara" in message.body and "verifikasi dua langkah" in message.body
    link = _invite_link(message)
    assert link.startswith("http://127.0.0.1:8000/")  # SITE_URL, never the request's host

    response = client.get(_path(link), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else _path(link)
    assert 'data-testid="set-password"' in response.content.decode()
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once only.
    assert 'data-testid="token-fail"' in client.get(_path(link), follow=True).content.decode()

    login = client.post("/akun/login/", {"login": user.email, "password": NEW_PASSWORD})
    # A treasurer without TOTP is sent to set it up before anything else, and may:
    # opening the mailed link proved the address (allauth refuses TOTP otherwise).
    assert login.status_code == 302 and login["Location"] == "/akun/2fa/totp/activate/"
    assert 'data-testid="totp-qr"' in client.get("/akun/2fa/totp/activate/").content.decode()


def test_a_contributor_invited_logs_in_to_the_dashboard(personas, client, committed):
    with committed():
        user = user_invite(
            email="donatur.baru@uji.test",
            full_name="Tono",
            roles=["contributor"],
            actor=personas["admin"],
        )
    link = _invite_link(mail.outbox[0])
    response = client.get(_path(link), follow=True)
    client.post(
        response.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    login = client.post("/akun/login/", {"login": user.email, "password": NEW_PASSWORD})
    assert login["Location"] == "/dasbor/"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "admin@uji.test"}, "email"),
        ({"email": "ADMIN@Uji.Test"}, "email"),
        ({"email": "bukan-email"}, "email"),
        ({"full_name": "  "}, "full_name"),
        ({"roles": []}, "roles"),
        ({"roles": ["csr_partner"]}, "roles"),
        ({"roles": ["superhero"]}, "roles"),
    ],
)
def test_an_invitation_with_bad_input_is_refused_and_nothing_is_created(personas, values, field):
    before = User.objects.count()
    data = {"email": "baru@uji.test", "full_name": "Orang Baru", "roles": ["verifier"], **values}
    with pytest.raises(UserAdminError) as refused:
        user_invite(actor=personas["admin"], **data)
    assert refused.value.field == field
    assert User.objects.count() == before
    assert mail.outbox == []


def test_the_invite_form_refuses_an_email_in_use_and_keeps_what_was_typed(
    personas, login, committed
):
    client = login(personas["admin"])
    with committed():
        response = client.post(
            "/pengguna/undang/",
            {
                "full_name": "Sri Kembar",
                "email": "Sri.Pengelola@uji.test",
                "roles": ["verifier", "head"],
            },
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "sudah dipakai akun lain" in body
    assert 'value="Sri Kembar"' in body
    assert 'value="Sri.Pengelola@uji.test"' in body
    assert re.search(r'value="verifier"[^>]*checked', body)
    assert re.search(r'value="head"[^>]*checked', body)
    assert User.objects.filter(email__iexact="sri.pengelola@uji.test").count() == 1
    assert mail.outbox == []


def test_the_invite_form_lists_roles_with_what_each_may_do_and_no_csr_partner(personas, login):
    body = login(personas["admin"]).get("/pengguna/undang/").content.decode()
    assert "Bendahara" in body and "Menyetujui penyaluran" in body
    assert 'value="csr_partner"' not in body


def test_the_invite_form_creates_the_user_and_leads_to_their_page(personas, login, committed):
    client = login(personas["admin"])
    with committed():
        response = client.post(
            "/pengguna/undang/",
            {"full_name": "Rina", "email": "rina@uji.test", "roles": ["verifier", "auditor"]},
        )
    user = User.objects.get(email="rina@uji.test")
    assert response["Location"] == f"/pengguna/{user.pk}/"
    assert user.roles == {"verifier", "auditor"}
    assert len(mail.outbox) == 1


# --- Roles ---------------------------------------------------------------------------


def test_granting_and_revoking_a_role_is_audited_in_words(personas, login):
    admin, target = personas["admin"], personas["verifier"]
    user_role_grant(user=target, role="treasurer", actor=admin)
    assert User.objects.get(pk=target.pk).roles == {"verifier", "treasurer"}
    user_role_revoke(user=target, role="verifier", actor=admin)
    assert User.objects.get(pk=target.pk).roles == {"treasurer"}
    assert _entries(target, "core.user.role_granted").get().changes == {"role": [None, "treasurer"]}
    assert _entries(target, "core.user.role_revoked").get().actor == admin

    body = login(admin).get(f"/pengguna/{target.pk}/").content.decode()
    assert "Pengguna diberi peran" in body and "Pengguna dicabut perannya" in body
    audit = login(admin).get("/audit/?object_type=core.user").content.decode()
    assert "Bendahara" in audit  # the role's name, not its code


def test_granting_the_admin_role_opens_the_django_admin_and_revoking_closes_it(personas):
    target = personas["verifier"]
    user_role_grant(user=target, role="admin", actor=personas["admin"])
    target.refresh_from_db()
    assert target.is_staff and target.is_superuser
    user_role_revoke(user=target, role="admin", actor=personas["admin"])
    target.refresh_from_db()
    assert not target.is_staff and not target.is_superuser


@pytest.mark.parametrize(
    ("action", "role", "message"),
    [
        (user_role_grant, "verifier", "sudah memegang"),
        (user_role_grant, "csr_partner", "Pilih peran"),
        (user_role_grant, "", "Pilih peran"),
        (user_role_revoke, "treasurer", "tidak memegang"),
    ],
)
def test_a_role_change_that_makes_no_sense_is_refused(personas, action, role, message):
    with pytest.raises(UserAdminError, match=message):
        action(user=personas["verifier"], role=role, actor=personas["admin"])
    assert User.objects.get(pk=personas["verifier"].pk).roles == {"verifier"}


def test_the_last_active_admin_cannot_remove_their_own_admin_role(personas, login):
    admin = personas["admin"]
    with pytest.raises(UserAdminError, match="administrator aktif terakhir"):
        user_role_revoke(user=admin, role="admin", actor=admin)
    client = login(admin)
    response = client.post(f"/pengguna/{admin.pk}/peran/cabut/", {"role": "admin"}, follow=True)
    assert "administrator aktif terakhir" in response.content.decode()
    assert "admin" in User.objects.get(pk=admin.pk).roles


def test_an_admin_may_hand_over_the_admin_role_and_then_give_up_their_own(personas):
    admin, successor = personas["admin"], personas["head"]
    user_role_grant(user=successor, role="admin", actor=admin)
    user_role_revoke(user=admin, role="admin", actor=admin)
    assert "admin" not in User.objects.get(pk=admin.pk).roles
    # Now the successor is the last one and keeps it.
    with pytest.raises(UserAdminError):
        user_role_revoke(user=successor, role="admin", actor=successor)


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(personas):
    admin = personas["admin"]
    other = make_user("admin.dua@uji.test", ["admin"])
    user_deactivate(user=other, actor=admin)
    with pytest.raises(UserAdminError, match="administrator aktif terakhir"):
        user_role_revoke(user=admin, role="admin", actor=admin)


# --- Deactivation ----------------------------------------------------------------------


def test_deactivating_a_user_ends_their_sessions_and_stops_their_login(personas, client):
    from django.test import Client

    target = personas["fund_manager"]
    theirs = Client()
    theirs.force_login(target)
    assert theirs.get("/dasbor/").status_code == 200
    user_deactivate(user=target, actor=personas["admin"])
    assert theirs.get("/dasbor/").status_code == 302  # back to the login page
    entry = _entries(target, "core.user.deactivated").get()
    assert entry.changes["sessions_ended"] == 1
    response = client.post("/akun/login/", {"login": target.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)

    user_reactivate(user=target, actor=personas["admin"])
    assert User.objects.get(pk=target.pk).is_active
    assert _entries(target, "core.user.reactivated").exists()


def test_the_last_active_admin_cannot_deactivate_themselves(personas, login):
    admin = personas["admin"]
    response = login(admin).post(f"/pengguna/{admin.pk}/nonaktifkan/", follow=True)
    assert "administrator aktif terakhir" in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active
    assert not _entries(admin, "core.user.deactivated").exists()


def test_deactivating_twice_or_reactivating_an_active_user_is_refused(personas):
    target, admin = personas["verifier"], personas["admin"]
    with pytest.raises(UserAdminError, match="sudah aktif"):
        user_reactivate(user=target, actor=admin)
    user_deactivate(user=target, actor=admin)
    with pytest.raises(UserAdminError, match="sudah nonaktif"):
        user_deactivate(user=target, actor=admin)


# --- Two-step verification reset ------------------------------------------------------


def test_resetting_two_step_verification_makes_the_user_set_it_up_again(personas, client):
    target = personas["treasurer"]
    assert Authenticator.objects.filter(user=target).exists()
    user_mfa_reset(user=target, actor=personas["admin"])
    assert not Authenticator.objects.filter(user=target).exists()
    entry = _entries(target, "core.user.mfa_reset").get()
    assert entry.changes["authenticators"] == [["totp"], []]
    response = client.post("/akun/login/", {"login": target.email, "password": PASSWORD})
    assert response["Location"] == "/akun/2fa/totp/activate/"
    assert client.get("/dana/").status_code == 302  # nothing else before TOTP


def test_resetting_two_step_verification_of_a_user_without_it_is_refused(personas):
    with pytest.raises(UserAdminError, match="belum memasang"):
        user_mfa_reset(user=personas["verifier"], actor=personas["admin"])


# --- CSR partners are shown, not managed here ---------------------------------------------


def test_a_csr_partner_account_is_shown_read_only(personas, login):
    partner = personas["csr_partner"]
    body = login(personas["admin"]).get(f"/pengguna/{partner.pk}/").content.decode()
    assert 'data-testid="partner-note"' in body
    assert "/peran/" not in body and "/nonaktifkan/" not in body
    for action in (user_deactivate, user_mfa_reset):
        with pytest.raises(UserAdminError, match="pendaftaran mitra"):
            action(user=partner, actor=personas["admin"])
    with pytest.raises(UserAdminError, match="pendaftaran mitra"):
        user_role_grant(user=partner, role="verifier", actor=personas["admin"])


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_roles_two_step_status_and_filters(personas, login):
    client = login(personas["admin"])
    body = client.get("/pengguna/").content.decode()
    for persona in ("sri.pengelola@uji.test", "siti.bendahara@uji.test", "csr.mitra@uji.test"):
        assert persona in body
    assert "Pengelola dana" in body and "Terpasang" in body

    def emails(query):
        body = client.get("/pengguna/?" + query).content.decode()
        table = body[body.index("<table") : body.rindex("</table>")]
        return set(re.findall(r"[\w.]+@uji\.test", table))

    assert emails("role=treasurer") == {"siti.bendahara@uji.test"}
    assert emails("mfa=1") == {"siti.bendahara@uji.test", "heru.kepala@uji.test", "admin@uji.test"}
    assert "bambang.verifikator@uji.test" in emails("mfa=0")
    assert emails("q=BAMBANG") == {"bambang.verifikator@uji.test"}
    user_deactivate(user=personas["verifier"], actor=personas["admin"])
    assert emails("active=0") == {"bambang.verifikator@uji.test"}
    assert "bambang.verifikator@uji.test" not in emails("active=1")
    # Nonsense in the filters is refused gently, not with an error page.
    assert client.get("/pengguna/?role=bos&mfa=x&per_page=-1&page=abc").status_code == 200


def test_the_list_is_exported_as_csv_and_xlsx(personas, login):
    client = login(personas["admin"])
    response = client.get("/pengguna/?role=treasurer&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].split(";")[:3] == ["Nama", "E-mail", "Peran"]
    assert len(lines) == 2 and "siti.bendahara@uji.test;Bendahara;ya" in lines[1]
    xlsx = client.get("/pengguna/?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"


def test_the_list_costs_the_same_queries_for_few_and_many_users(personas, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas["admin"])
    client.get("/pengguna/")
    with CaptureQueriesContext(connection) as few:
        client.get("/pengguna/")
    for n in range(15):
        make_user(f"tambahan{n}@uji.test", ["verifier", "head"])
    with CaptureQueriesContext(connection) as many:
        client.get("/pengguna/")
    assert len(many) == len(few)


# --- Who may use the screen ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    ["fund_manager", "verifier", "treasurer", "head", "csr_partner", "contributor", "outsider"],
)
def test_other_roles_do_not_find_the_screen(personas, login, role):
    client = login(personas[role])
    target = personas["verifier"]
    assert client.get("/pengguna/").status_code == 404
    assert client.get("/pengguna/undang/").status_code == 404
    assert client.post(f"/pengguna/{target.pk}/nonaktifkan/").status_code == 404
    menu = client.get("/dasbor/").content.decode()
    assert "/pengguna/" not in menu


def test_the_auditor_reads_the_list_but_changes_nothing(personas, login):
    client = login(personas["auditor"])
    target = personas["verifier"]
    body = client.get("/pengguna/").content.decode()
    assert 'data-testid="invite-link"' not in body
    detail = client.get(f"/pengguna/{target.pk}/").content.decode()
    assert 'data-testid="read-only-notice"' in detail and "/nonaktifkan/" not in detail
    assert client.post("/pengguna/undang/", {"email": "x@uji.test"}).status_code == 403
    assert client.post(f"/pengguna/{target.pk}/nonaktifkan/").status_code == 403
    assert client.post(f"/pengguna/{target.pk}/peran/beri/", {"role": "head"}).status_code == 403
    assert User.objects.get(pk=target.pk).is_active
    assert not User.objects.filter(email="x@uji.test").exists()


def test_the_actions_answer_405_to_a_get(personas, login):
    client = login(personas["admin"])
    target = personas["verifier"]
    for action in ("peran/beri", "peran/cabut", "nonaktifkan", "aktifkan", "atur-ulang-2fa"):
        assert client.get(f"/pengguna/{target.pk}/{action}/").status_code == 405


def test_the_menu_leads_the_admin_here_next_to_the_organisation_profile(personas):
    from core.registry import menu

    groups = {g.key: [e.href for e in g.entries] for g in menu(personas["admin"])}
    assert "/pengguna/" in groups["admin"] and "/organisasi/" in groups["admin"]


def test_a_role_given_in_the_screen_is_posted_through_the_view(personas, login):
    client = login(personas["admin"])
    target = personas["verifier"]
    response = client.post(f"/pengguna/{target.pk}/peran/beri/", {"role": "head"})
    assert response["Location"] == f"/pengguna/{target.pk}/"
    assert User.objects.get(pk=target.pk).roles == {"verifier", "head"}
    response = client.post(f"/pengguna/{target.pk}/peran/beri/", {"role": "raja"}, follow=True)
    assert "Pilih peran" in response.content.decode()


# --- The services themselves refuse anyone but an active admin -------------------------------


@pytest.mark.parametrize("persona", ["fund_manager", "auditor", "treasurer", None])
def test_every_user_service_refuses_an_actor_who_is_not_an_admin(personas, persona):
    actor = personas[persona] if persona else None
    target = personas["verifier"]
    before = AuditEntry.objects.count()
    calls = [
        lambda: user_invite(email="x@uji.test", full_name="X", roles=["verifier"], actor=actor),
        lambda: user_role_grant(user=target, role="treasurer", actor=actor),
        lambda: user_role_revoke(user=target, role="verifier", actor=actor),
        lambda: user_deactivate(user=target, actor=actor),
        lambda: user_reactivate(user=target, actor=actor),
        lambda: user_mfa_reset(user=target, actor=actor),
    ]
    for call in calls:
        with pytest.raises(UserAdminError, match="Hanya administrator"):
            call()
    target.refresh_from_db()
    assert target.is_active and target.roles == {"verifier"}
    assert not User.objects.filter(email="x@uji.test").exists()
    assert AuditEntry.objects.count() == before


def test_a_deactivated_admin_can_no_longer_manage_users(personas):
    other = make_user("admin.kedua@uji.test", ["admin"])
    user_deactivate(user=other, actor=personas["admin"])
    other.refresh_from_db()
    with pytest.raises(UserAdminError, match="Hanya administrator"):
        user_role_grant(user=personas["verifier"], role="treasurer", actor=other)
