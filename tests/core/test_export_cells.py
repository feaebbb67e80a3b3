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
