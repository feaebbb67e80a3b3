"""A verifier and a head take a family from the desk to a card, in a real browser."""

import pytest
from django.test import Client

from beneficiaries.models import Card
from core.roles import Role
from tests.beneficiaries import factories
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _browser_as(browser, live_server, user, **context_options):
    """Open a browser context logged in as `user` (the head's TOTP step is tested in core)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="id-ID", **context_options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_family_goes_from_the_desk_to_a_card(live_server, browser):
    from core.demo import seed_organisation

    seed_organisation()
    verifier = make_user("bambang.verifikator@uji.test", [Role.VERIFIER])
    head = make_user("heru.kepala@uji.test", [Role.HEAD])
    base = f"{live_server.url}/rumah-tangga"
    kk, nik = factories.kk(), factories.nik()

    # The verifier works on a phone.
    context, page = _browser_as(
        browser, live_server, verifier, viewport={"width": 375, "height": 740}
    )
    page.goto(f"{base}/loket/")
    page.get_by_label("Jalur").select_option("rt_rw")
    page.get_by_label("Nomor KK").fill(kk)
    page.get_by_label("NIK kepala keluarga").fill(nik)
    page.get_by_label("Nama kepala keluarga").fill("Sukiman")
    page.get_by_label("Jenis kelamin").select_option("L")
    page.get_by_label("Tanggal lahir").fill("1985-03-12")
    # Kecamatan, then desa by name: typed into the searchable list, never a Kemendagri code.
    page.locator("#id_district").select_option("33.14.01", force=True)
    page.locator("#id_village_code-ts-control").fill("Kede")
    page.locator(".ts-dropdown .option", has_text="Keden").first.click()
    assert page.locator("#id_village_code").input_value() == "33.14.01.2001"
    page.get_by_label("Verifikator untuk kunjungan", exact=False).select_option(label=str(verifier))
    page.get_by_role("button", name="Daftarkan").click()
    assert "kunjungan rumah ditugaskan" in page.content()

    page.goto(f"{base}/kunjungan/")
    page.get_by_role("link", name="Isi hasil kunjungan").click()
    for order in range(1, 11):
        page.locator(f"input[name=met][value='{order}']").check()
    page.get_by_label("Uraian").fill("Rumah berdinding bambu, lantai tanah, makan dua kali sehari.")
    assert page.get_by_test_id("met-count").inner_text().strip().startswith("10 dari 14")
    page.get_by_label("Sangat miskin (Melati)").check()
    page.get_by_role("button", name="Kirim hasil kunjungan").click()
    assert "Tidak ada kunjungan yang menunggu" in page.content()
    context.close()

    context, page = _browser_as(browser, live_server, head)
    page.goto(f"{base}/keputusan/")
    page.get_by_role("link", name="Putuskan").click()
    assert "10" in page.content() and "memenuhi ambang" in page.content()
    page.locator("#id_eligible").select_option("1")
    page.get_by_role("button", name="Simpan keputusan").click()
    assert page.get_by_test_id("eligibility").inner_text().startswith("Layak dibantu hari ini")
    pdf = page.request.get(live_server.url + page.get_by_test_id("card-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    context.close()

    card = Card.objects.get()
    assert card.decision.basis == "local_survey"
    public = browser.new_context(java_script_enabled=False)
    check = public.new_page()
    check.goto(f"{base}/cek/{card.check_token}/")
    assert check.get_by_test_id("check-result").inner_text().startswith("Berlaku sampai")
    public.close()
