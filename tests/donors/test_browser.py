"""A fund manager runs a whole month of one OPD's payroll collection in a real browser."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import PASSWORD, make_user
from tests.donors.conftest import NIP_A, NIP_B, NIP_NEW, csv_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _books():
    from core.demo import seed_organisation
    from donors.models import Donor, Enrolment, Opd, Scheme
    from funds.models import Fund, MoneyLocation

    seed_organisation()
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=fund, deposit_location=bank)
    dinkes = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    for nip, name, position, amount in (
        (NIP_A, "Budi Santoso", Donor.Position.ECHELON_II, "200000"),
        (NIP_B, "Sri Lestari", Donor.Position.ECHELON_III, "100000"),
    ):
        donor = Donor.objects.create(kind="pns", name=name, nip=nip, position=position, opd=dinkes)
        Enrolment.objects.create(
            donor=donor, scheme=scheme, monthly_amount=Decimal(amount), start=dt.date(2025, 1, 1)
        )
    return fund


def test_a_fund_manager_runs_a_month_of_opd_payroll_from_file_to_receipts(
    live_server, page, tmp_path
):
    from donors.models import Contribution, Donor, PayrollImport, Receipt
    from funds.selectors import fund_balance

    fund = _books()
    make_user("sri.pengelola@uji.test", ["fund_manager"])
    payroll = tmp_path / "potongan-dinkes-2025-03.csv"
    payroll.write_bytes(
        csv_file(
            [
                (NIP_A, "Budi Santoso", "200.000"),
                (NIP_B, "Sri Lestari", "100.000"),
                (NIP_NEW, "Rina Handayani", "75.000"),
            ],
            bom=True,
            totals="375.000",
        )
    )

    page.goto(f"{live_server.url}/akun/login/")
    page.get_by_label("E-mail", exact=False).fill("sri.pengelola@uji.test")
    page.get_by_label("Kata sandi", exact=False).fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/dasbor/")

    # Through the menu (Donatur › Potongan gaji) to the upload form.
    page.get_by_test_id("main-nav").get_by_role("button", name="Donatur").click()
    page.get_by_test_id("main-nav").get_by_role("link", name="Potongan gaji").click()
    page.get_by_role("link", name="Unggah berkas").click()
    page.get_by_label("OPD").select_option(label="DINKES · Dinas Kesehatan")
    page.get_by_label("Bulan potongan").fill("2025-03")
    page.get_by_label("Tanggal dana diterima").fill("2025-03-28")
    page.get_by_label("Jumlah pegawai menurut slip transfer").fill("3")
    page.get_by_label("Total menurut slip transfer").fill("375.000")
    page.get_by_label("Berkas potongan gaji", exact=False).set_input_files(str(payroll))
    page.get_by_role("button", name="Periksa berkas").click()

    # The preview: totals, and the new civil servant who will be created and enrolled.
    page.wait_for_url("**/donatur/impor/*/")
    assert page.get_by_test_id("import-count").inner_text() == "3"
    assert "Rp375.000" in page.get_by_test_id("import-total").inner_text()
    assert page.get_by_test_id("import-new-donors").inner_text() == "1"
    assert "Donatur baru" in page.get_by_test_id("preview-rows").inner_text()
    assert Contribution.objects.count() == 0

    page.get_by_role("button", name="Bukukan 3 baris", exact=False).click()
    page.wait_for_url("**/donatur/impor/*/")
    assert page.get_by_test_id("import-status").inner_text() == "Dibukukan"
    assert "Selesai" in page.content()

    # The receipts of the whole OPD-month, as one PDF.
    with page.expect_download() as download_info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'tt.pdf'; "
            "document.body.appendChild(a); a.click(); }",
            page.get_by_test_id("batch-receipts").get_attribute("href"),
        )
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert len(pdf.pages) == 3
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert text.count("TANDA TERIMA SUMBANGAN") == 3
    assert "Rina Handayani" in text and "Tujuh puluh lima ribu rupiah" in text

    imp = PayrollImport.objects.get()
    assert imp.status == "committed" and Receipt.objects.count() == 3
    assert Donor.objects.get(nip=NIP_NEW).enrolments.count() == 1
    assert fund_balance(fund=fund) == Decimal("375000.00")
