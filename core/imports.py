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


def _read_frame(data: bytes, filename: str) -> pd.DataFrame:
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _("Format .xls lama tidak didukung: simpan ulang sebagai .xlsx atau .csv.")
        )
    if data.startswith(_XLSX_MAGIC):
        try:
            return pd.read_excel(
                io.BytesIO(data), dtype=str, header=None, engine="openpyxl", keep_default_na=False
            )
        except Exception:
            raise ImportFileError(_("Berkas XLSX rusak atau bukan lembar kerja Excel.")) from None
    if _looks_binary(data):
        raise ImportFileError(
            _("Berkas bukan CSV atau XLSX yang dapat dibaca (%(name)s).") % {"name": filename}
        )
    text = _decode(data)
    first_lines = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(first_lines, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ";" if first_lines.count(";") > first_lines.count(",") else ","
    try:
        return pd.read_csv(
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
    frame = _read_frame(data, filename)
    aliases = {normalise_header(k): v for k, v in (aliases or {}).items()}
    required = [normalise_header(c) for c in required]

    # The header is the first row that is not blank (some exports put a title above).
    header_index = None
    for index in range(min(len(frame), 15)):
        cells = [normalise_header(_text(v)) for v in frame.iloc[index].tolist()]
        named = {aliases.get(c, c) for c in cells if c}
        if set(required) <= named:
            header_index = index
            break
    if header_index is None:
        first = next(
            (
                frame.iloc[i].tolist()
                for i in range(len(frame))
                if any(_text(v) for v in frame.iloc[i].tolist())
            ),
            [],
        )
        found = [normalise_header(_text(v)) for v in first if _text(v)]
        missing = [c for c in required if c not in {aliases.get(f, f) for f in found}]
        raise ImportFileError(
            _("Kolom wajib tidak ditemukan: %(missing)s. Kolom yang ada: %(found)s.")
            % {"missing": ", ".join(missing) or "-", "found": ", ".join(found[:20]) or "-"}
        )
    headers = [normalise_header(_text(v)) for v in frame.iloc[header_index].tolist()]
    columns = [aliases.get(h, h) for h in headers]
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1 and c in required})
    if duplicated:
        raise ImportFileError(
            _("Kolom %(cols)s muncul lebih dari sekali.") % {"cols": ", ".join(duplicated)}
        )

    table = Table(columns=[c for c in columns if c], rows=[])
    # One conversion of the whole frame: row-by-row .iloc costs ~0.1 ms a row.
    matrix = frame.to_numpy(dtype=object).tolist()
    for index in range(header_index + 1, len(frame)):
        values = [_text(v) for v in matrix[index]]
        if not any(values):
            continue
        row = {col: values[i] for i, col in enumerate(columns) if col and i < len(values)}
        line = index + 1  # spreadsheet numbering: the first line is row 1
        if any(_TOTAL_WORDS.match(v) for v in values[:4] if v):
            table.totals_row = (line, row)
            continue
        if table.totals_row is not None:
            table.warnings.append(
                _("Baris %(row)d sesudah baris jumlah ikut dibaca.") % {"row": line}
            )
        table.rows.append((line, row))
    return table
