"""The shared pieces every app uses: imports, exports, PDFs, uploads, personal data."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from pypdf import PdfReader

from core.crypto import decrypt, encrypt, keyed_hash, mask_digits
from core.imports import ImportFileError, read_table
from core.pdf import qr_code, render_pdf, signature_block
from core.uploads import validate_document


def test_a_semicolon_csv_with_bom_blank_lines_and_a_totals_row_is_read():
    data = (
        "\ufeffnip;Nama;JUMLAH\n198003142006042012;Siti;150.000\n\n"
        "197501012000031001;Budi;200.000\nJUMLAH;;350.000\n"
    ).encode()
    table = read_table(data, required=["NIP", "NAMA", "JUMLAH"])
    assert [line for line, _ in table.rows] == [2, 4]
    assert table.rows[0][1] == {"NIP": "198003142006042012", "NAMA": "Siti", "JUMLAH": "150.000"}
    assert table.totals_row[0] == 5


def test_an_xlsx_with_a_title_above_the_header_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Potongan MATRA Dinas Kesehatan, Januari 2026"])
    sheet.append(["No", "NIP", "Nama", "Jumlah"])
    sheet.append([1, "198003142006042012", "Siti", 150000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), required=["NIP", "NAMA", "JUMLAH"])
    assert table.rows == [
        (3, {"NO": "1", "NIP": "198003142006042012", "NAMA": "Siti", "JUMLAH": "150000"})
    ]


def test_a_windows_1252_csv_with_commas_is_read():
    data = "NIP,NAMA,JUMLAH\n198003142006042012,Andr\xe9,150000\n".encode("cp1252")
    assert read_table(data, required=["NIP"]).rows[0][1]["NAMA"] == "André"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "kosong"),
        (b"\x00\x01\x02garbage" * 100, "bukan CSV atau XLSX"),
        (b"PK\x03\x04broken zip", "XLSX rusak"),
        (b"\xd0\xcf\x11\xe0old", ".xls lama"),
        (b"NAMA;ALAMAT\nSiti;Sragen\n", "Kolom wajib tidak ditemukan: NIP"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(data, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(data, required=["NIP", "NAMA"])


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(ImportFileError, match="terlalu besar"):
        read_table(b"NIP\n" + b"1\n" * 1000, required=["NIP"], max_bytes=100)


def test_a_pdf_is_made_with_letterhead_title_qr_and_signatures(org):
    data = render_pdf(
        title="Tanda Terima Sumbangan",
        org=org,
        story=[
            qr_code("https://kenanga.test/cek/1"),
            signature_block(
                [("Bendahara", "Siti Rahayu", "198003142006042012")], place_date="Sragen"
            ),
        ],
    )
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    # The letterhead prints the name in capitals, as a kop surat does.
    assert "UPTPK KABUPATEN SRAGEN" in text
    assert "Tanda Terima Sumbangan" in text
    assert "Siti Rahayu" in text
    assert "Halaman 1" in text


def test_an_executable_renamed_pdf_is_refused():
    upload = SimpleUploadedFile(
        "bukti.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match="Isi berkas bukan"):
        validate_document(upload)


def test_a_real_pdf_and_a_real_png_are_accepted():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    assert validate_document(SimpleUploadedFile("a.png", buffer.getvalue())) == "png"
    assert validate_document(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF")) == "pdf"


def test_a_document_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError, match="terlalu besar"):
        validate_document(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2000), max_bytes=1000)


def test_personal_data_is_encrypted_and_looked_up_by_keyed_hash():
    token = encrypt("3314010101800001")
    assert "3314010101800001" not in token
    assert decrypt(token) == "3314010101800001"
    assert keyed_hash("3314 0101 0180 0001", purpose="nik") == keyed_hash(
        "3314010101800001", purpose="nik"
    )
    assert keyed_hash("3314010101800001", purpose="nik") != keyed_hash(
        "3314010101800001", purpose="kk"
    )
    assert mask_digits("3314010101800001") == "331401••••••0001"


def test_money_template_filters_follow_puebi():
    from core.templatetags.kenanga import rupiah, terbilang

    assert rupiah(Decimal("1500000")) == "Rp1.500.000"
    assert terbilang(Decimal("5000000")) == "lima juta rupiah"
