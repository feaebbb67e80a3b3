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


def test_a_just_used_code_is_refused_with_the_advice_to_wait_for_the_next(
    personas, client, totp_clock
):
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


def _current_code() -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(
        hotp_value("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", counters[len(counters) // 2])
    )


def _wrong_code() -> str:
    # Any six digits that are not valid now (nor within the tolerated window).
    from allauth.mfa.totp.internal.auth import validate_totp_code

    return next(
        f"{n:06d}"
        for n in range(1000000)
        if not validate_totp_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", f"{n:06d}")
    )


def test_a_wrong_code_is_called_wrong_and_not_used(personas, client):
    client.post("/akun/login/", {"login": personas["treasurer"].email, "password": PASSWORD})
    response = client.post("/akun/2fa/authenticate/", {"code": _wrong_code()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kode salah" in body
    assert "sudah dipakai" not in body
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("reuse", "expected", "not_expected"),
    [
        (False, "Wrong code", "already been used"),
        (True, "already been used", "Wrong code"),
    ],
)
def test_both_code_messages_speak_english_too(
    personas, client, totp_clock, reuse, expected, not_expected
):
    client.cookies["django_language"] = "en"
    email = personas["head"].email
    code = _current_code() if reuse else _wrong_code()
    if reuse:
        client.post("/akun/login/", {"login": email, "password": PASSWORD})
        assert client.post("/akun/2fa/authenticate/", {"code": code}).status_code == 302
        client.post("/akun/logout/")
    client.post("/akun/login/", {"login": email, "password": PASSWORD})
    body = client.post("/akun/2fa/authenticate/", {"code": code}).content.decode()
    assert expected in body and not_expected not in body


def test_the_two_step_pages_are_in_the_kenanga_shell(personas, client):
    import datetime as dt

    from allauth.mfa.models import Authenticator
    from django.utils import timezone

    # The treasurer set up TOTP last week, not in this sitting.
    Authenticator.objects.filter(user=personas["treasurer"]).update(
        created_at=timezone.now() - dt.timedelta(days=7)
    )
    # A real login (password, then code): allauth asks for a recent login before changes.
    client.post("/akun/login/", {"login": personas["treasurer"].email, "password": PASSWORD})
    assert client.post("/akun/2fa/authenticate/", {"code": _current_code()}).status_code == 302

    def shell(url, *words):
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert 'data-testid="main-nav"' in body and 'data-testid="entrance"' in body, url
        for word in words:
            assert word in body, (url, word)
        assert "Authenticator" not in body and "Two-Factor" not in body, url
        return response

    shell("/akun/2fa/", "Aplikasi autentikator", "Kode pemulihan")
    shell("/akun/2fa/reauthenticate/", "Konfirmasi akses")
    # Removing the authenticator asks for the password again first.
    asked = shell("/akun/2fa/totp/deactivate/", "Konfirmasi akses", 'data-testid="reauthenticate"')
    assert asked.redirect_chain[-1][0].startswith("/akun/reauthenticate/")
    client.post("/akun/reauthenticate/", {"password": PASSWORD})
    shell("/akun/2fa/totp/deactivate/", "Matikan verifikasi dua langkah")
    shell("/akun/2fa/recovery-codes/generate/", "Buat kode pemulihan baru")


def test_the_set_up_page_shows_the_qr_code_and_the_secret_in_the_shell(org, client):
    make_user("kepala.baru@uji.test", ["head"], mfa=False)
    login = client.post("/akun/login/", {"login": "kepala.baru@uji.test", "password": PASSWORD})
    assert login["Location"] == "/akun/2fa/totp/activate/"
    body = client.get("/akun/2fa/totp/activate/").content.decode()
    assert 'data-testid="totp-qr"' in body and 'data-testid="totp-secret"' in body
    assert "Pasang verifikasi dua langkah" in body and 'data-testid="main-nav"' in body
    response = client.post("/akun/2fa/totp/activate/", {"code": "000000x"})
    assert "Kode salah" in response.content.decode()
