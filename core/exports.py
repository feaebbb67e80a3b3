"""Turn rows into CSV or XLSX downloads; written once for every list.

Callers hand a header and a row generator; a django-tables2 table can be
exported with `table_export_response`.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


# OWASP's rule for CSV injection: a text cell that starts with one of these
# would be run by a spreadsheet as a formula (=HYPERLINK(...) sends data away).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Return `text` so that no spreadsheet runs it as a formula (a leading quote)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        # Names arrive from payroll files and national-list extracts: untrusted.
        return neutralise(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (str, int, float, decimal.Decimal, dt.date, dt.time)):
        return value
    # A model instance or a lazy translation: a spreadsheet cell takes its text.
    return neutralise(str(value))


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence], filename: str
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff"  # so that Excel opens UTF-8 correctly
        yield writer.writerow([_cell(h) for h in header])
        for row in rows:
            yield writer.writerow(
                [
                    str(v).replace(".", ",") if isinstance(v, decimal.Decimal) else _cell(v)
                    for v in row
                ]
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Data") -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])

    def cells(values):
        for value in values:
            value = float(value) if isinstance(value, decimal.Decimal) else _cell(value)
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, whatever it looks like: never a formula
            yield cell

    worksheet.append(list(cells(header)))
    for row in rows:
        worksheet.append(list(cells(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence], filename: str) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(fmt: str, header: Sequence[str], rows: Iterable[Sequence], filename: str):
    if fmt == "xlsx":
        return xlsx_response(header, rows, filename)
    return csv_response(header, rows, filename)


def table_rows(table) -> tuple[list[str], Iterable[list]]:
    """Return the header and the rows of a django-tables2 table, every page."""
    columns = [c for c in table.columns if c.name not in getattr(table, "exclude_from_export", ())]
    header = [str(c.header) for c in columns]

    def rows():
        for row in table.rows:
            yield [row.get_cell_value(c.name) for c in columns]

    return header, rows()


def table_export_response(request, table, filename: str):
    """Return a download when `?export=csv|xlsx` is asked for, else None."""
    fmt = request.GET.get("export")
    if fmt not in FORMATS:
        return None
    header, rows = table_rows(table)
    return export_response(fmt, header, rows, filename)
