"""A verifier asks for a house rehab, the treasurer and the head approve, it is paid in two
stages and closed with photos; a school list goes from file to payments. In a real browser."""

import io

import pytest
from django.test import Client
from PIL import Image

from disbursements.models import Batch, DisbursementRequest
from funds.verify import ledger_verify
from tests.disbursements.conftest import family, pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _browser_as(browser, live_server, user):
    """Open a browser context logged in as `user` (the TOTP step itself is tested in core)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="id-ID")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _photo(colour) -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "JPEG")
    return {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def test_a_house_rehab_goes_from_request_to_closed_with_photos(live_server, browser, aid):
    home = family()
    base = f"{live_server.url}/bantuan"

    context, page = _browser_as(browser, live_server, aid.verifier)
    page.goto(f"{base}/baru/?household={home.pk}")
    page.locator("#id_programme").select_option(label="Rehabilitasi rumah tidak layak huni (RTLH)")
    page.locator("#id_fund").select_option(label="CSR RTLH Kalijambe")
    page.get_by_label("Jumlah (Rp)").fill("4.000.000")
    page.get_by_label("Dibayarkan kepada").select_option("supplier")
    # The live check answers without a page load and says why in plain words.
    page.get_by_text("ditetapkan Rp5.000.000").wait_for()
    page.get_by_label("Jumlah (Rp)").fill("5.000.000")
    page.get_by_label("Nama penerima pembayaran").fill("TB Sumber Rejeki")
    page.get_by_text("Semua syarat terpenuhi").wait_for()
    page.get_by_role("button", name="Ajukan").click()
    page.get_by_text("diajukan").first.wait_for()
    req = DisbursementRequest.objects.get()
    context.close()

    context, page = _browser_as(browser, live_server, aid.treasurer)
    page.goto(f"{base}/persetujuan/")
    page.get_by_role("link", name=req.number).click()
    page.get_by_role("button", name="Setujui").click()
    assert "menunggu persetujuan kedua" in page.content()
    context.close()

    context, page = _browser_as(browser, live_server, aid.head)
    page.goto(f"{base}/{req.pk}/")
    page.get_by_role("button", name="Setujui (kepala UPT)").click()
    assert page.get_by_test_id("status").inner_text() == "Disetujui"
    context.close()

    context, page = _browser_as(browser, live_server, aid.treasurer)
    for amount, stage in (("3.000.000", "Bahan bangunan"), ("2.000.000", "Sisa pekerjaan")):
        page.goto(f"{base}/{req.pk}/bayar/")
        page.get_by_label("Jumlah dibayar (Rp)").fill(amount)
        page.get_by_label("Dibayar dari").select_option(label="Bank Jateng")
        page.get_by_label("Tahap").fill(stage)
        page.get_by_role("button", name="Bayar dan bukukan").click()
        page.get_by_text("Pembayaran dicatat").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Dibayar"
    for kind in ("Foto sebelum", "Foto pertengahan", "Foto sesudah", "BAST yang ditandatangani"):
        page.get_by_label("Jenis bukti").select_option(label=kind)
        page.get_by_label("Berkas", exact=False).set_input_files(_photo("#8d6e63"))
        page.get_by_role("button", name="Unggah bukti").click()
        page.get_by_text("Bukti tersimpan").wait_for()
    page.get_by_role("button", name="Tutup (selesai)").click()
    assert page.get_by_test_id("status").inner_text() == "Selesai"
    spm = page.request.get(f"{base}/{req.pk}/spm/")
    assert spm.status == 200 and spm.headers["content-type"] == "application/pdf"
    context.close()

    req.refresh_from_db()
    assert req.status == "closed" and req.payments.count() == 2 and req.evidence.count() == 4
    assert ledger_verify() == []


def test_a_school_list_goes_from_file_to_payments(live_server, browser, aid):
    kids = [pupil(family(), "sd") for _ in range(3)]
    lines = ["NIK;NAMA;JUMLAH;SEKOLAH"] + [f"{k.nik};{k.name};375.000;SDN 1 Keden" for k in kids]
    base = f"{live_server.url}/bantuan"

    context, page = _browser_as(browser, live_server, aid.verifier)
    page.goto(f"{base}/batch/")
    page.locator("#id_programme").select_option(label="Bantuan kebutuhan sekolah")
    page.locator("#id_fund").select_option(label="Infak Mitra Kenanga")
    data = ("\n".join(lines) + "\n").encode()
    page.get_by_label("Daftar murid").set_input_files(
        {"name": "murid.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.get_by_role("button", name="Periksa dan ajukan").click()
    assert page.get_by_test_id("status").inner_text() == "Diajukan"
    context.close()

    context, page = _browser_as(browser, live_server, aid.treasurer)
    batch = Batch.objects.get()
    page.goto(f"{base}/batch/{batch.pk}/")
    page.get_by_role("button", name="Setujui seluruh batch").click()
    assert page.get_by_test_id("status").inner_text() == "Disetujui"
    page.get_by_label("Dibayar dari").select_option(label="Bank Jateng")
    page.get_by_role("button", name="Bayar").click()
    page.get_by_text("3 baris dibayar").wait_for()
    context.close()
    assert batch.requests.filter(status="paid").count() == 3
    assert ledger_verify() == []
