"""Finding 1: the import reader refuses spreadsheet bombs before they cost memory or time."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from core.imports import ImportFileError, read_table

HEADERS = ["NIP", "NAMA", "JUMLAH"]
MEMORY_BOUND = 100 * 1024 * 1024


def xlsx(cells: dict[str, object], *, dimension: str | None = "keep") -> bytes:
    """Write a workbook with the headers and `cells`; optionally rewrite its <dimension>."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["199001012015031001", "Sukiman", "50000"])
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if dimension == "keep":
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                replacement = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
                content, found = re.subn(rb"<dimension ref=\"[^\"]*\"\s*/>", replacement, content)
                assert found == 1
            target.writestr(item, content)
    return rewritten.getvalue()


def read_bounded(data: bytes):
    """Read `data`, failing the test if reading took more than the memory bound."""
    tracemalloc.start()
    try:
        try:
            return read_table(data, filename="gaji.xlsx", required=HEADERS)
        finally:
            _current, peak = tracemalloc.get_traced_memory()
            assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.0f} MB"
    finally:
        tracemalloc.stop()


def test_a_normal_workbook_still_reads_with_its_row_numbers():
    table = read_bounded(xlsx({"A5": "199001012015031002", "B5": "Sumi", "C5": 75000.0}))
    assert [line for line, _row in table.rows] == [2, 5]
    assert table.rows[1][1] == {"NIP": "199001012015031002", "NAMA": "Sumi", "JUMLAH": "75000"}


@pytest.mark.parametrize(
    ("cell", "dimension", "message"),
    [
        ("XFD1048576", "keep", "kolom"),  # declares 16384 columns and a million rows
        ("XFD3000", "keep", "kolom"),  # the 4,9 KB file
        ("K1048576", "keep", "baris"),  # declares a million rows
        ("XFD1048576", "A1:C2", "baris"),  # lies about its size
        ("XFD2000", None, "kolom"),  # declares nothing
        ("K1048576", None, "baris"),
    ],
)
def test_a_spreadsheet_bomb_is_refused_within_the_memory_bound(cell, dimension, message, settings):
    settings.KENANGA_IMPORT_MAX_ROWS = 10_000
    bomb = xlsx({cell: "x"}, dimension=dimension)
    assert len(bomb) < 10_000

    with pytest.raises(ImportFileError, match=message):
        read_bounded(bomb)


def test_a_zip_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened(settings):
    settings.KENANGA_IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    big = xlsx({"D3": "a" * 30_000, "D4": "b" * 30_000})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in zipfile.ZipFile(io.BytesIO(big)).infolist():
            target.writestr(item, zipfile.ZipFile(io.BytesIO(big)).read(item.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="terlalu besar setelah dibuka"):
        read_bounded(out.getvalue())


def test_a_csv_with_too_many_lines_is_refused(settings):
    settings.KENANGA_IMPORT_MAX_ROWS = 1000
    data = ("NIP;NAMA;JUMLAH\n" + "1;A;5\n" * 1001).encode()
    with pytest.raises(ImportFileError, match="lebih dari 1.000 baris"):
        read_bounded(data)


def test_a_csv_with_a_monstrous_line_is_refused(settings):
    data = ("NIP;NAMA;JUMLAH\n1;" + "A" * 30_000 + ";5\n").encode()
    with pytest.raises(ImportFileError, match="lebih panjang dari"):
        read_bounded(data)


def test_a_csv_with_too_many_columns_is_refused():
    data = ("NIP;NAMA;JUMLAH" + ";x" * 500 + "\n1;A;5\n").encode()
    with pytest.raises(ImportFileError, match="kolom"):
        read_bounded(data)


@pytest.mark.django_db
def test_the_national_list_reports_a_bomb_as_an_error_instead_of_parsing_it():
    from beneficiaries.national_list import parse_national_list

    bomb = xlsx({"XFD1048576": "x"})
    parsed = parse_national_list(bomb, filename="dtks.xlsx")
    assert parsed.households == [] and "kolom" in str(parsed.errors[0])
