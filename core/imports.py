"""The first step of every import: read a CSV or XLSX file into rows.

Handles what Indonesian offices really send: `,` or `;` or tab separators, a
UTF-8 byte-order mark, Windows-1252 text, blank lines, a totals row ("JUMLAH",
"TOTAL") at the bottom, header case and order as they come. Row numbers in
errors are the numbers the user sees in the spreadsheet (header = row 1).
Validation of each row is the caller's job; all-or-nothing commit too.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

_TOTAL_WORDS = re.compile(r"^\s*(jumlah|total|grand\s*total|sub\s*total)\b", re.IGNORECASE)
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in Indonesian."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Baris %(row)d, kolom %(col)s: %(msg)s") % {
                "row": self.row,
                "col": self.column,
                "msg": self.message,
            }
        return _("Baris %(row)d: %(msg)s") % {"row": self.row, "msg": self.message}


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, {COLUMN: text})
    totals_row: tuple[int, dict[str, str]] | None = None
    warnings: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def normalise_header(name: object) -> str:
    text = str(name).strip().lstrip("\ufeff").upper()
    return re.sub(r"[\s\-/.]+", "_", text).strip("_")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Berkas tidak dapat dibaca sebagai teks (CSV)."))


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _limits() -> tuple[int, int, int, int]:
    return (
        settings.KENANGA_IMPORT_MAX_ROWS,
        settings.KENANGA_IMPORT_MAX_COLUMNS,
        settings.KENANGA_IMPORT_MAX_LINE_CHARS,
        settings.KENANGA_IMPORT_MAX_UNCOMPRESSED_BYTES,
    )


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _("Berkas berisi lebih dari %(n)s baris; bagi menjadi beberapa berkas.")
        % {"n": f"{max_rows:,}".replace(",", ".")}
    )


def _too_many_columns(max_columns: int) -> ImportFileError:
    return ImportFileError(
        _("Berkas berisi lebih dari %(n)d kolom: periksa apakah ini berkas yang benar.")
        % {"n": max_columns}
    )


def _cell_text(value: object) -> str:
    # The same text pandas' read_excel(dtype=str) gave, so callers see no change.
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """Read the first sheet in streaming mode, after checking what it declares.

    A spreadsheet bomb is a few KB of zip that declares (or holds) a cell at
    XFD1048576: building a frame of it takes gigabytes. The zip's uncompressed
    size and the sheet's declared dimension are checked before any cell is
    read, and rows and columns are capped while reading.
    """
    import zipfile

    from openpyxl import load_workbook

    max_rows, max_columns, _line, max_unpacked = _limits()
    broken = ImportFileError(_("Berkas XLSX rusak atau bukan lembar kerja Excel."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise broken from None
    unpacked = sum(member.file_size for member in members)
    if len(members) > 1000 or unpacked > max_unpacked:
        raise ImportFileError(
            _("Isi berkas XLSX terlalu besar setelah dibuka (%(size)d MB; batas %(limit)d MB).")
            % {"size": unpacked // (1024 * 1024), "limit": max_unpacked // (1024 * 1024)}
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise broken from None
    try:
        if not book.worksheets:
            raise broken
        sheet = book.worksheets[0]
        # The <dimension> the sheet declares, read without reading a cell.
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        if declared_columns > max_columns:
            raise _too_many_columns(max_columns)
        if declared_rows > max_rows:
            raise _too_many_rows(max_rows)
        # The declaration may also lie (or be a bare "A1", as some exporters
        # write): read what is there, holding the limits while reading.
        sheet.reset_dimensions()
        rows: list[tuple[int, list[str]]] = []
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if line > max_rows:
                    raise _too_many_rows(max_rows)
                if len(values) > max_columns and any(v is not None for v in values[max_columns:]):
                    raise _too_many_columns(max_columns)
                texts = [_cell_text(v) for v in values[:max_columns]]
                if any(texts):
                    rows.append((line, texts))
        except ImportFileError:
            raise
        except Exception:
            raise broken from None
        return rows
    finally:
        book.close()


def _csv_rows(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    max_rows, max_columns, max_line, _unpacked = _limits()
    if _looks_binary(data):
        raise ImportFileError(
            _("Berkas bukan CSV atau XLSX yang dapat dibaca (%(name)s).") % {"name": filename}
        )
    # Checked on the bytes, before decoding or parsing anything.
    if data.count(b"\n") > max_rows:
        raise _too_many_rows(max_rows)
    lines = data.split(b"\n")
    if max(map(len, lines)) > max_line:
        raise ImportFileError(
            _("Ada baris yang lebih panjang dari %(n)d karakter: ini bukan daftar yang benar.")
            % {"n": max_line}
        )
    text = _decode(data)
    first_lines = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(first_lines, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ";" if first_lines.count(";") > first_lines.count(",") else ","
    # pandas pads every row to the widest one: one line of 20.000 fields would
    # make a frame of 20.000 columns for every row.
    if max(map(operator.methodcaller("count", delimiter.encode()), lines)) >= max_columns:
        raise _too_many_columns(max_columns)
    del lines
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            header=None,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",  # the python engine is ~2x slower on a 15.000-row file; same results
        )
    except Exception as exc:
        reason = str(exc).removeprefix("Error tokenizing data. C error: ")
        raise ImportFileError(
            _("CSV tidak dapat dibaca: %(reason)s") % {"reason": reason[:200]}
        ) from None
    # One conversion of the whole frame: row-by-row .iloc costs ~0.1 ms a row.
    rows = []
    for index, raw in enumerate(frame.to_numpy(dtype=object).tolist()):
        values = [_text(v) for v in raw]
        if any(values):
            rows.append((index + 1, values))
    return rows


def _read_rows(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """Return the non-blank rows of a file as (spreadsheet line, cell texts)."""
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _("Format .xls lama tidak didukung: simpan ulang sebagai .xlsx atau .csv.")
        )
    if data.startswith(_XLSX_MAGIC):
        return _xlsx_rows(data)
    return _csv_rows(data, filename)


def read_table(
    data: bytes,
    *,
    filename: str = "",
    required: Iterable[str],
    aliases: dict[str, str] | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Read `data` (the bytes of an uploaded file) into a Table of text cells.

    `required` are normalised column names that must be present; `aliases`
    maps other spellings onto them (e.g. {"NAMA_PEGAWAI": "NAMA"}).
    """
    limit = max_bytes or settings.KENANGA_MAX_UPLOAD_BYTES
    if not data:
        raise ImportFileError(_("Berkas kosong."))
    if len(data) > limit:
        raise ImportFileError(
            _("Berkas terlalu besar (%(size).1f MB; batas %(limit)d MB).")
            % {"size": len(data) / 1e6, "limit": limit // (1024 * 1024)}
        )
    rows = _read_rows(data, filename)
    aliases = {normalise_header(k): v for k, v in (aliases or {}).items()}
    required = [normalise_header(c) for c in required]

    # The header is the first row that is not blank (some exports put a title above).
    header_index = None
    for index, (line, values) in enumerate(rows):
        if line > 15:
            break
        cells = [normalise_header(_text(v)) for v in values]
        named = {aliases.get(c, c) for c in cells if c}
        if set(required) <= named:
            header_index = index
            break
    if header_index is None:
        first = rows[0][1] if rows else []
        found = [normalise_header(_text(v)) for v in first if _text(v)]
        missing = [c for c in required if c not in {aliases.get(f, f) for f in found}]
        raise ImportFileError(
            _("Kolom wajib tidak ditemukan: %(missing)s. Kolom yang ada: %(found)s.")
            % {"missing": ", ".join(missing) or "-", "found": ", ".join(found[:20]) or "-"}
        )
    headers = [normalise_header(_text(v)) for v in rows[header_index][1]]
    columns = [aliases.get(h, h) for h in headers]
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1 and c in required})
    if duplicated:
        raise ImportFileError(
            _("Kolom %(cols)s muncul lebih dari sekali.") % {"cols": ", ".join(duplicated)}
        )

    table = Table(columns=[c for c in columns if c], rows=[])
    for line, values in rows[header_index + 1 :]:  # cells already text, blank rows gone
        row = {col: values[i] for i, col in enumerate(columns) if col and i < len(values)}
        if any(_TOTAL_WORDS.match(v) for v in values[:4] if v):
            table.totals_row = (line, row)
            continue
        if table.totals_row is not None:
            table.warnings.append(
                _("Baris %(row)d sesudah baris jumlah ikut dibaca.") % {"row": line}
            )
        table.rows.append((line, row))
    return table
