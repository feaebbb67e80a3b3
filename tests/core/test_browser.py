"""Key journeys in a real browser: Debian's chromium driven by Playwright."""

import pytest

from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fund_manager_logs_in_and_sees_the_dashboard(live_server, page):
    from core.demo import seed_organisation

    seed_organisation()
    make_user("sri.pengelola@uji.test", ["fund_manager"])
    page.goto(f"{live_server.url}/akun/login/")
    page.get_by_label("E-mail", exact=False).fill("sri.pengelola@uji.test")
    page.get_by_label("Kata sandi", exact=False).fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/dasbor/")
    assert page.get_by_test_id("dashboard-title").inner_text() == "Dasbor"
    assert "Pengelola dana" in page.content()


def test_the_public_home_page_works_without_javascript(live_server, browser):
    from core.demo import seed_organisation

    seed_organisation()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "UPTPK Kabupaten Sragen"
    # Bootstrap is served by us, not by a CDN.
    css = page.request.get(f"{live_server.url}/static/bootstrap/css/bootstrap.min.css")
    assert css.status == 200
    context.close()
