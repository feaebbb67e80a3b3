import pytest
from django.core import mail

from tests.conftest import PASSWORD, make_user


def test_a_fund_manager_logs_in_with_email_and_reaches_the_dashboard(personas, client):
    response = client.post(
        "/akun/login/", {"login": "sri.pengelola@uji.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/dasbor/"
    assert "Pengelola dana" in response.content.decode()


def test_five_wrong_passwords_block_the_account_for_a_while_and_say_so(personas, client):
    for _ in range(5):
        response = client.post(
            "/akun/login/", {"login": "sri.pengelola@uji.test", "password": "salah"}
        )
        assert response.status_code == 200
    response = client.post(
        "/akun/login/", {"login": "sri.pengelola@uji.test", "password": PASSWORD}
    )
    body = response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak" in body or "Too many" in body


def test_there_is_no_open_sign_up(db, client):
    response = client.post(
        "/akun/signup/",
        {
            "email": "baru@uji.test",
            "password1": "Panjang-sekali-1",
            "password2": "Panjang-sekali-1",
        },
    )
    from core.models import User

    assert not User.objects.filter(email="baru@uji.test").exists()
    assert response.status_code in (200, 403)


def test_a_forgotten_password_is_reset_by_mail(personas, client):
    response = client.post("/akun/password/reset/", {"email": "sri.pengelola@uji.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "sri.pengelola@uji.test" in mail.outbox[0].to


@pytest.mark.parametrize("role", ["treasurer", "head", "admin"])
def test_a_role_that_needs_mfa_is_sent_to_set_it_up_before_acting(role, org, client):
    user = make_user(f"{role}.tanpa.mfa@uji.test", [role], mfa=False)
    client.force_login(user)
    response = client.get("/audit/" if role != "treasurer" else "/organisasi/")
    if role == "treasurer":
        assert response.status_code == 404  # not their page at all
        return
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/2fa/totp/activate")


def test_the_dashboard_tells_a_treasurer_without_mfa_to_set_it_up(org, client):
    user = make_user("bendahara.baru@uji.test", ["treasurer"], mfa=False)
    client.force_login(user)
    body = client.get("/dasbor/").content.decode()
    assert "verifikasi dua langkah" in body


def test_a_role_without_mfa_requirement_is_not_asked(personas, login):
    assert login(personas["auditor"]).get("/audit/").status_code == 200


def test_an_outsider_gets_404_and_a_read_only_role_gets_403(personas, login):
    client = login(personas["outsider"])
    assert client.get("/organisasi/").status_code == 404
    client = login(personas["auditor"])
    assert client.get("/organisasi/").status_code == 200
    response = client.post("/organisasi/", {"name": "Diubah auditor"})
    assert response.status_code == 403
    from core.organisation import get_organisation

    assert get_organisation().name != "Diubah auditor"


def test_a_just_used_code_is_refused_with_the_advice_to_wait_for_the_next(personas, client):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    from tests.conftest import PASSWORD

    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", counter))
    email = personas["treasurer"].email
    for attempt in range(2):
        client.post("/akun/login/", {"login": email, "password": PASSWORD})
        response = client.post("/akun/2fa/authenticate/", {"code": code})
        if attempt == 0:
            assert response.status_code == 302  # the first use of the code logs in
            client.post("/akun/logout/")
    body = response.content.decode()
    assert "sudah dipakai" in body and "tunggu kode berikutnya" in body
