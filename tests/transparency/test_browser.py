"""A citizen on a phone: opens the portal, switches period and language, downloads and verifies."""

import pytest

from transparency.periods import Period
from transparency.services import report_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_citizen_reads_the_year_downloads_the_pdf_and_verifies_it(
    live_server, phone, payakumbuh, close, tmp_path
):
    for month in (1, 2, 3, 4, 11, 12):
        close(2015, month)
    report_publish(period=Period("month", 2015, 5), actor=payakumbuh.head)
    year = report_publish(period=Period("year", 2015), actor=payakumbuh.head)
    page = phone
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("home-transparency").click()
    page.wait_for_url("**/transparansi/")
    assert _fits(page)

    # Switch the period: the month of May, then the whole year.
    page.get_by_label("Periode").fill("2015-05")
    page.get_by_role("button", name="Lihat").click()
    assert "Mei 2015" in page.get_by_test_id("report-title").inner_text()
    page.get_by_test_id("period-year").click()
    assert "Tahun 2015" in page.get_by_test_id("report-title").inner_text()
    assert page.get_by_test_id("sum-closing").inner_text() == "Rp95.265.504"
    assert page.get_by_test_id("reconciles").inner_text() == "Sesuai"
    assert page.locator("svg.kenanga-chart").count() >= 2
    assert _fits(page)

    # Switch the language in the (collapsed) menu.
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("language-menu").click()
    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("reconciles").inner_text() == "Reconciles"
    assert "Collected" in page.get_by_test_id("summary").inner_text()

    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    pdf = tmp_path / "laporan.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"

    page.get_by_test_id("nav-verify").click()
    page.set_input_files("input[type=file]", str(pdf))
    page.get_by_test_id("verify-submit").click()
    result = page.get_by_test_id("verify-result").inner_text()
    assert "Genuine" in result and "2015" in result
    assert year.hash in page.content()
    assert _fits(page)
