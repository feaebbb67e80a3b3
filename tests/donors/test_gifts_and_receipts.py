"""Gifts outside payroll, their receipts (PDF, public check), reversal and statements."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from core.models import Organisation
from donors.documents import receipts_pdf, statement_pdf
from donors.errors import DonorError
from donors.models import Contribution, Donor, Receipt
from donors.selectors import donor_statement
from donors.services import contribution_reverse, gift_record, payroll_import_commit
from funds.models import Fund, Transaction
from funds.selectors import fund_balance
from tests.donors.conftest import NIP_A, PERIOD, dinkes_march

PNG = (  # a real 1×1 PNG: the upload store decodes and re-encodes every image
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def company(books):
    return Donor.objects.create(
        kind=Donor.Kind.COMPANY, name="PT Sukowati Makmur", npwp="01.111.222.3-528.000"
    )


def _gift(books, donor, amount="1500000", **extra):
    return gift_record(
        donor=donor,
        fund=extra.pop("fund", books.infak),
        location=extra.pop("location", books.kas),
        amount=Decimal(amount),
        date=extra.pop("date", dt.date(2025, 4, 2)),
        channel=extra.pop("channel", Contribution.Channel.CASH),
        actor=books.manager,
        **extra,
    )


def test_a_cash_gift_is_posted_to_the_ledger_and_gets_a_receipt(books, company):
    gift = _gift(books, company)
    assert gift.transaction is not None
    assert fund_balance(fund=books.infak) == Decimal("1500000.00")
    assert (gift.receipt.year, gift.receipt.number, gift.receipt.code) == (
        2025,
        1,
        "000001/TTS/2025",
    )


def test_a_gift_dated_in_the_future_is_refused_by_the_service_and_nothing_is_recorded(
    books, company
):
    from django.utils import timezone

    from donors.errors import DonorError

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DonorError, match="masa depan"):
        _gift(books, company, date=tomorrow)
    assert not Contribution.objects.exists()
    assert fund_balance(fund=books.infak) == 0


def test_the_receipt_pdf_shows_amount_in_words_npwp_signatory_and_never_says_zakat(
    books, company, org
):
    text = _text(receipts_pdf([_gift(books, company).receipt]))
    assert "TANDA TERIMA SUMBANGAN" in text
    assert "Rp1.500.000,00" in text
    assert "Satu juta lima ratus ribu rupiah" in text
    assert org.npwp in text and "01.111.222.3-528.000" in text
    assert org.signatory_name in text
    assert "zakat" not in text.lower()


def test_a_licensed_zakat_body_gives_a_bsz_for_its_zakat_fund_only(books, company, org):
    org.legal_status = Organisation.LegalStatus.ZAKAT_BODY
    org.save()
    zakat = Fund.objects.create(code="zakat", name="Dana Zakat", restriction=Fund.Restriction.ZAKAT)
    zakat_receipt = _gift(books, company, fund=zakat).receipt
    infak_receipt = _gift(books, company).receipt
    assert zakat_receipt.is_zakat and zakat_receipt.code.endswith("/BSZ/2025")
    assert "BUKTI SETORAN ZAKAT" in _text(receipts_pdf([zakat_receipt]))
    assert not infak_receipt.is_zakat
    assert "zakat" not in _text(receipts_pdf([infak_receipt])).lower()


def test_receipt_numbers_start_again_each_year_without_gaps(books, company):
    numbers = [
        (r.year, r.number)
        for r in (
            _gift(books, company, date=dt.date(2024, 12, 30)).receipt,
            _gift(books, company, date=dt.date(2025, 1, 2)).receipt,
            _gift(books, company, date=dt.date(2025, 1, 3)).receipt,
        )
    ]
    assert numbers == [(2024, 1), (2025, 1), (2025, 2)]


def test_the_public_check_page_confirms_a_receipt_without_personal_data(books, client):
    donor = books.people[NIP_A]
    receipt = _gift(books, donor, amount="250000").receipt
    response = client.get(reverse("donors:receipt_verify", args=[receipt.token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert receipt.code in body and "Rp250.000" in body and books.infak.name in body
    assert donor.name not in body and NIP_A not in body
    assert client.get(reverse("donors:receipt_verify", args=["tidak-ada"])).status_code == 404


def test_the_qr_code_on_the_receipt_points_at_the_public_check_page(books, company):
    from donors.documents import receipt_public_url

    receipt = _gift(books, company).receipt
    assert receipt_public_url(receipt).endswith(f"/donatur/cek/{receipt.token}/")


def test_reversing_a_gift_reverses_the_ledger_and_voids_the_receipt_with_its_reason(
    books, company, client
):
    gift = _gift(books, company)
    contribution_reverse(contribution=gift, reason="Salah catat donatur", actor=books.manager)
    gift.refresh_from_db()
    receipt = Receipt.objects.get(contribution=gift)
    assert gift.status == Contribution.Status.REVERSED
    assert fund_balance(fund=books.infak) == Decimal("0.00")
    assert Transaction.objects.filter(reverses=gift.transaction).exists()
    assert (receipt.status, receipt.void_reason) == ("void", "Salah catat donatur")
    assert "BATAL" in _text(receipts_pdf([receipt]))
    page = client.get(reverse("donors:receipt_verify", args=[receipt.token])).content.decode()
    assert "DIBATALKAN" in page
    with pytest.raises(DonorError, match="sudah dibatalkan"):
        contribution_reverse(contribution=gift, reason="lagi", actor=books.manager)


def test_a_reversal_needs_a_reason(books, company):
    with pytest.raises(DonorError, match="Alasan"):
        contribution_reverse(contribution=_gift(books, company), reason="  ", actor=books.manager)


def test_a_transfer_needs_proof_and_keeps_it(books, company):
    with pytest.raises(DonorError, match="bukti transfer"):
        _gift(books, company, channel=Contribution.Channel.TRANSFER, location=books.bank)
    gift = _gift(
        books,
        company,
        channel=Contribution.Channel.TRANSFER,
        location=books.bank,
        proof=SimpleUploadedFile("bukti.png", PNG, content_type="image/png"),
    )
    assert gift.proof_file.kind == "png" and not gift.proof


def test_an_executable_renamed_pdf_is_refused_as_proof_and_nothing_is_recorded(
    books, company, login
):
    client = login(books.manager)
    exe = SimpleUploadedFile(
        "bukti.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000, content_type="application/pdf"
    )
    response = client.post(
        reverse("donors:gift_create"),
        {
            "donor": company.pk,
            "channel": "transfer",
            "fund": books.infak.pk,
            "location": books.bank.pk,
            "amount": "500.000",
            "date": "2025-04-02",
            "proof": exe,
        },
    )
    assert response.status_code == 200
    assert "Isi berkas bukan PDF, JPEG, PNG" in response.content.decode()
    assert Contribution.objects.count() == 0 and Transaction.objects.count() == 0


def test_a_gift_form_refuses_zero_and_english_amounts(books, company, login):
    client = login(books.manager)
    for amount, message in (("0", "tidak boleh nol"), ("1,500,000.00", "format angka Inggris")):
        response = client.post(
            reverse("donors:gift_create"),
            {
                "donor": company.pk,
                "channel": "cash",
                "fund": books.infak.pk,
                "location": books.kas.pk,
                "amount": amount,
                "date": "2025-04-02",
            },
        )
        assert message in response.content.decode()
    assert Contribution.objects.count() == 0


def test_an_institution_gift_through_the_form_lands_in_the_ledger(books, login):
    baznas = Donor.objects.create(
        kind=Donor.Kind.INSTITUTION,
        name="BAZNAS Kabupaten Sragen",
        institution_type=Donor.InstitutionType.BAZNAS,
    )
    client = login(books.manager)
    response = client.post(
        reverse("donors:gift_create"),
        {
            "donor": baznas.pk,
            "channel": "institution",
            "fund": books.matra.pk,
            "location": books.bank.pk,
            "amount": "Rp25.000.000",
            "date": "2025-04-02",
        },
    )
    gift = Contribution.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "donors:contribution_detail", args=[gift.pk]
    )
    assert fund_balance(fund=books.matra) == Decimal("25000000.00")


def test_a_batch_of_receipts_for_an_opd_month_is_one_pdf_with_a_page_per_receipt(
    books, prepare, login
):
    draft, _ = prepare(dinkes_march())
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    response = login(books.manager).get(reverse("donors:import_receipts", args=[imp.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    assert response["Content-Type"] == "application/pdf"
    assert len(reader.pages) == 2
    assert "Budi Santoso" in reader.pages[0].extract_text() + reader.pages[1].extract_text()


def test_a_yearly_statement_lists_the_gifts_and_the_months_in_arrears(books, prepare):
    draft, _ = prepare(dinkes_march())
    payroll_import_commit(payroll_import=draft, actor=books.manager)
    donor = books.people[NIP_A]
    _gift(books, donor, amount="50000", date=dt.date(2025, 4, 5))
    statement = donor_statement(donor=donor, year=2025, until=dt.date(2025, 4, 30))
    assert [m.received for m in statement.months] == [0, 0, Decimal("200000.00"), 0]
    assert [m.month.month for m in statement.months_in_arrears] == [1, 2, 4]
    assert statement.received_total == Decimal("250000.00")
    text = _text(statement_pdf(statement))
    assert "Rekap Sumbangan Tahun 2025" in text and "Rp250.000" in text and "03/2025" in text


def test_merging_a_duplicate_moves_its_gifts_and_keeps_the_history(books, company):
    from core.models import AuditEntry
    from donors.services import donor_merge

    duplicate = Donor.objects.create(kind=Donor.Kind.COMPANY, name="PT Sukowati Makmur (ganda)")
    gift = _gift(books, duplicate)
    donor_merge(keep=company, duplicate=duplicate, actor=books.manager)
    gift.refresh_from_db()
    duplicate.refresh_from_db()
    assert gift.donor == company and gift.receipt.contribution.donor == company
    assert (duplicate.merged_into, duplicate.is_active) == (company, False)
    entry = AuditEntry.objects.get(action="donors.donor.merged")
    assert (
        entry.changes["contributions"] == [gift.pk]
        and entry.changes["merged_donor"] == duplicate.pk
    )
    with pytest.raises(DonorError):
        donor_merge(keep=company, duplicate=duplicate, actor=books.manager)


def test_the_period_of_a_payroll_contribution_is_the_month_of_the_file(books, prepare):
    draft, _ = prepare(dinkes_march())
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    assert set(imp.contributions.values_list("period", flat=True)) == {PERIOD}


def test_a_proof_larger_than_five_megabytes_is_refused_and_nothing_is_recorded(
    books, company, login
):
    big = SimpleUploadedFile(
        "bukti.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    response = login(books.manager).post(
        reverse("donors:gift_create"),
        {
            "donor": company.pk,
            "channel": "transfer",
            "fund": books.infak.pk,
            "location": books.bank.pk,
            "amount": "500.000",
            "date": "2025-04-02",
            "proof": big,
        },
    )
    assert "Berkas terlalu besar" in response.content.decode()
    assert Contribution.objects.count() == 0 and Transaction.objects.count() == 0


def test_public_partner_lists_show_companies_by_name_people_as_initials_with_consent_only(
    books, company
):
    from donors.selectors import contributions_received, public_partners

    consenting = Donor.objects.create(
        kind=Donor.Kind.INDIVIDUAL,
        name="Sri Wahyuni",
        display=Donor.Display.NAMED,
        name_consent_on=dt.date(2025, 1, 1),
    )
    silent = Donor.objects.create(kind=Donor.Kind.INDIVIDUAL, name="Joko Susilo")
    for donor, amount in ((company, "1000000"), (consenting, "200000"), (silent, "50000")):
        _gift(books, donor, amount=amount)
    reversed_gift = _gift(books, silent, amount="70000")
    contribution_reverse(contribution=reversed_gift, reason="salah", actor=books.manager)

    partners = public_partners(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert partners == [
        {"name": "PT Sukowati Makmur", "total": Decimal("1000000.00")},
        {"name": "S*** W***", "total": Decimal("200000.00")},
        {"name": "Hamba Allah", "total": Decimal("50000.00")},
    ]
    received = contributions_received(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert [(r["channel"], r["total"], r["gifts"]) for r in received] == [
        ("cash", Decimal("1250000.00"), 3)
    ]
