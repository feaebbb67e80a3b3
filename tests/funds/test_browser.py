"""A fund manager records money in a real browser and sees it in the ledger."""

import pytest

from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fund_manager_records_a_gift_and_sees_it_in_the_funds_ledger(live_server, page):
    from core.demo import seed_organisation
    from funds.models import Fund, MoneyLocation

    seed_organisation()
    make_user("sri.pengelola@uji.test", ["fund_manager"])
    Fund.objects.create(code="matra", name="MATRA")
    MoneyLocation.objects.create(code="kas", name="Kas tunai", kind=MoneyLocation.Kind.CASH)
    page.goto(f"{live_server.url}/akun/login/")
    page.get_by_label("E-mail", exact=False).fill("sri.pengelola@uji.test")
    page.get_by_label("Kata sandi", exact=False).fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/dasbor/")

    page.goto(f"{live_server.url}/dana/")
    page.get_by_role("link", name="Penerimaan lain").click()
    page.get_by_label("Dana").select_option(label="MATRA")
    page.get_by_label("Diterima di").select_option(label="Kas tunai")
    page.get_by_label("Jumlah (Rp)").fill("Rp1.500.000")
    page.get_by_label("Tanggal").fill("2025-05-05")
    page.get_by_label("Uraian").fill("Sumbangan Hamba Allah")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"{live_server.url}/dana/transaksi/**")
    assert "Sumbangan Hamba Allah" in page.content()

    page.goto(f"{live_server.url}/dana/")
    assert "Rp1.500.000" in page.locator("table").first.inner_text()
    page.get_by_role("link", name="MATRA").click()
    page.wait_for_url(f"{live_server.url}/dana/dana/matra/")
    assert "Sumbangan Hamba Allah" in page.content()
