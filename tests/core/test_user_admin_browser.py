"""The admin invites a treasurer, who sets a password from the mail and is led to set up TOTP.

Debian's chromium through Playwright. Screenshots of every page of the journey,
at an office PC's and a phone's width, go to KENANGA_SHOT_DIR (or a temporary
folder) for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Bendahara-Sragen-2026"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("KENANGA_SHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _shoot(page, shots: Path, name: str) -> None:
    """Save the page at 1280 and 390 px; at 390 px it must not scroll sideways."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_admin_invites_a_treasurer_who_sets_a_password_and_is_sent_to_set_up_totp(
    live_server, browser, settings, shots, totp_clock
):
    from core.demo import seed_organisation
    from core.models import User

    settings.SITE_URL = live_server.url
    seed_organisation()
    admin = make_user("admin@uji.test", ["admin"])
    make_user("sri.pengelola@uji.test", ["fund_manager"])
    mail.outbox.clear()

    # The admin (already past the two-step login) opens the screen from the menu.
    client = Client()
    client.force_login(admin)
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/dasbor/")
    page.get_by_role("button", name="Administrasi").click()
    page.get_by_test_id("main-nav").get_by_role("link", name="Pengguna dan peran").click()
    page.wait_for_url(f"{live_server.url}/pengguna/")
    _shoot(page, shots, "01-user-list")
    page.get_by_test_id("invite-link").click()

    # An address already in use is refused, and what was typed stays.
    page.get_by_label("Nama lengkap").fill("Dewi Lestari")
    page.get_by_label("Alamat e-mail").fill("sri.pengelola@uji.test")
    page.locator('input[name="roles"][value="treasurer"]').check()
    page.get_by_role("button", name="Kirim undangan").click()
    page.get_by_text("sudah dipakai akun lain").wait_for()
    assert page.get_by_label("Nama lengkap").input_value() == "Dewi Lestari"
    assert page.locator('input[name="roles"][value="treasurer"]').is_checked()
    _shoot(page, shots, "02-invite-refused")

    page.get_by_label("Alamat e-mail").fill("dewi.bendahara@uji.test")
    page.get_by_role("button", name="Kirim undangan").click()
    page.wait_for_url(re.compile(r"/pengguna/\d+/$"))
    assert "Bendahara" in page.get_by_test_id("held-roles").inner_text()
    _shoot(page, shots, "03-user-detail")
    context.close()

    # The treasurer opens the mail's link in a browser of their own.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dewi.bendahara@uji.test"]
    link = re.search(r"http://\S+/akun/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    treasurer = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = treasurer.new_page()
    page.set_default_timeout(15_000)
    page.goto(link)
    page.get_by_test_id("set-password").wait_for()
    _shoot(page, shots, "04-set-password")
    page.locator('input[name="password1"]').fill(NEW_PASSWORD)
    page.locator('input[name="password2"]').fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.get_by_role("heading", name="Kata sandi disimpan").wait_for()
    page.get_by_role("link", name="Masuk", exact=True).last.click()

    page.get_by_label("E-mail", exact=False).fill("dewi.bendahara@uji.test")
    page.get_by_label("Kata sandi", exact=False).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{live_server.url}/akun/2fa/totp/activate/")
    page.get_by_test_id("totp-qr").wait_for()
    _shoot(page, shots, "05-totp-setup")

    # A wrong code is called wrong; the right one switches two-step verification on.
    page.get_by_label("Kode autentikator").fill("000000")
    page.get_by_role("button", name="Aktifkan").click()
    page.get_by_text("Kode salah").wait_for()
    secret = page.get_by_test_id("totp-secret").input_value()
    page.get_by_label("Kode autentikator").fill(_code(secret))
    page.get_by_role("button", name="Aktifkan").click()
    # Straight on to the recovery codes, without being asked for the password again.
    page.wait_for_url(f"{live_server.url}/akun/2fa/recovery-codes/")
    assert page.get_by_test_id("recovery-codes").locator("li").count() > 0
    _shoot(page, shots, "06-after-setup")
    user = User.objects.get(email="dewi.bendahara@uji.test")
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=user, type="totp").exists()

    # Next login: the code works once; the same code again is told to wait for the next.
    for attempt in range(2):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/akun/login/")
        page.get_by_label("E-mail", exact=False).fill("dewi.bendahara@uji.test")
        page.get_by_label("Kata sandi", exact=False).fill(NEW_PASSWORD)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.wait_for_url(f"{live_server.url}/akun/2fa/authenticate/")
        if attempt == 0:
            _shoot(page, shots, "07-authenticate")
        page.locator("input[name=code]").fill(_code(secret))
        page.get_by_role("button", name="Masuk", exact=True).click()
        if attempt == 0:
            page.wait_for_url(f"{live_server.url}/dasbor/")
    page.get_by_text("sudah dipakai").wait_for()
    assert "tunggu kode berikutnya" in page.content()
    _shoot(page, shots, "08-code-already-used")
    treasurer.close()


def test_the_two_step_login_speaks_english_when_chosen(live_server, browser, shots):
    from core.demo import seed_organisation
    from tests.conftest import PASSWORD

    seed_organisation()
    make_user("heru.kepala@uji.test", ["head"])
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/akun/login/")
    page.locator("input[name=login]").fill("heru.kepala@uji.test")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/akun/2fa/authenticate/")
    page.locator("input[name=code]").fill("12345x")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_text("Wrong code").wait_for()
    assert "Two-step verification" in page.inner_text("main")
    _shoot(page, shots, "09-authenticate-english")
    context.close()
