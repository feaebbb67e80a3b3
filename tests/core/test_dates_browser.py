"""In an English Chromium, a date field still shows and reads dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_page(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--lang=en-US"]
    )
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    browser.close()


@pytest.fixture
def donor(db):
    from core.demo import seed_organisation
    from donors.models import Donor

    seed_organisation()
    make_user("sri.pengelola@uji.test", ["fund_manager"])
    return Donor.objects.create(kind="individual", name="Ibu Warsini")


def _edit(page, live_server, donor):
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("input[name=login]", "sri.pengelola@uji.test")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/dasbor/")
    page.goto(f"{live_server.url}/donatur/{donor.pk}/ubah/")
    return page.locator("input[name=name_consent_on]")


def test_an_english_browser_shows_and_saves_a_day_first_date(live_server, english_page, donor):
    page = english_page
    assert page.evaluate("navigator.language") == "en-US"
    field = _edit(page, live_server, donor)
    assert field.get_attribute("type") == "text"
    # The screen stays Indonesian (the language menu, not the browser, chooses it).
    assert field.get_attribute("placeholder") == "hh/bb/tttt"
    field.fill("31/12/2026")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/donatur/{donor.pk}/")
    donor.refresh_from_db()
    assert donor.name_consent_on == dt.date(2026, 12, 31)
    page.goto(f"{live_server.url}/donatur/{donor.pk}/ubah/")
    assert page.input_value("input[name=name_consent_on]") == "31/12/2026"


@pytest.mark.parametrize("typed", ["31/02/2026", "2026-13-01"])
def test_an_impossible_date_says_so_and_keeps_everything_typed(
    live_server, english_page, donor, typed
):
    page = english_page
    field = _edit(page, live_server, donor)
    page.fill("input[name=name]", "Ibu Warsini Rahayu")
    page.fill("textarea[name=address]", "Jl. Melati 4, Sragen")
    field.fill(typed)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    error = page.locator(".invalid-feedback, .errorlist, .text-danger").filter(has_text=typed)
    assert error.count() >= 1
    assert "tidak ada di kalender" in error.first.inner_text()
    assert page.input_value("input[name=name_consent_on]") == typed
    assert page.input_value("input[name=name]") == "Ibu Warsini Rahayu"
    assert page.input_value("textarea[name=address]") == "Jl. Melati 4, Sragen"
    donor.refresh_from_db()
    assert donor.name == "Ibu Warsini" and donor.name_consent_on is None


def test_text_that_is_no_date_is_stopped_in_the_browser_and_explained_by_the_server(
    live_server, english_page, donor, client
):
    page = english_page
    field = _edit(page, live_server, donor)
    page.fill("input[name=name]", "Ibu Warsini Rahayu")
    field.fill("tomorrow")
    page.locator("form button[type=submit]").last.click()
    # Without any JavaScript the browser refuses to send it and says what is expected.
    assert field.evaluate("e => e.validity.patternMismatch") is True
    assert "31/12/2026" in field.get_attribute("title")
    assert page.url.endswith(f"/donatur/{donor.pk}/ubah/")
    assert page.input_value("input[name=name]") == "Ibu Warsini Rahayu"
    # A browser that sends it anyway gets the same advice from the server.
    from core.models import User

    client.force_login(User.objects.get(email="sri.pengelola@uji.test"))
    form = client.get(f"/donatur/{donor.pk}/ubah/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="Ibu Warsini Rahayu", name_consent_on="tomorrow", kind="individual")
    data.setdefault("display", "anonymous")
    body = client.post(f"/donatur/{donor.pk}/ubah/", data).content.decode()
    assert "dd/mm/yyyy" in body or "hh/bb/tttt" in body
    assert "Ibu Warsini Rahayu" in body
