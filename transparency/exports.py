"""Tabular downloads of a report (CSV, XLSX, 360Giving grants), built with pandas."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd

from transparency.presentation import flat_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral(value):
    """Keep a spreadsheet from running a text cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def report_frame(snapshot: dict) -> pd.DataFrame:
    header, rows = flat_rows(snapshot)
    frame = pd.DataFrame(rows, columns=header)
    # Money stays exact: the text of a Decimal, read as a number by spreadsheets.
    frame["amount"] = frame["amount"].map(lambda v: Decimal(v) if v not in ("", None) else None)
    for column in ("section", "fund", "item", "kecamatan", "desa", "households", "persons"):
        frame[column] = frame[column].map(_neutral)
    return frame


def report_csv(snapshot: dict) -> bytes:
    """Return the report as UTF-8 CSV (comma, point decimals: the open-data format)."""
    return report_frame(snapshot).to_csv(index=False).encode("utf-8")


def report_xlsx(snapshot: dict) -> bytes:
    frame = report_frame(snapshot)
    frame["amount"] = frame["amount"].map(lambda v: float(v) if v is not None else None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="laporan", index=False)
        meta = pd.DataFrame(
            [
                ["period", snapshot["period"]["code"]],
                ["organisation", _neutral(snapshot["organisation"]["name"])],
                ["reconciles", str(snapshot["reconciles"])],
                ["ledger_head_hash", snapshot["ledger"]["head_hash"]],
                ["previous_hash", snapshot.get("previous_hash", "")],
            ],
            columns=["key", "value"],
        )
        meta.to_excel(writer, sheet_name="metadata", index=False)
    return buffer.getvalue()


GRANT_COLUMNS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Grant Programme:Title",
    "Number of households",
]


def grants_360_csv(snapshot: dict, *, org_id: str) -> bytes:
    """Return the period's aid as 360Giving-style rows: one per fund, programme and area.

    Recipients are households, never named: each row is the aggregate paid in one
    area under one programme, so the recipient is the area itself.
    """
    period = snapshot["period"]
    rows = []
    for a in snapshot["areas"]:
        area_name = a["desa"] or a["kecamatan"] or ""
        rows.append(
            [
                f"{org_id}-{period['code']}-{a['fund']}-{a['area'] or 'none'}",
                _neutral(f"Bantuan {area_name}".strip()),
                _neutral(f"Penyaluran dana {a['fund']} {period['label']}"),
                "IDR",
                a["amount"],
                period["end"],
                f"{org_id}-area-{a['area'] or 'none'}",
                _neutral(f"Rumah tangga miskin {area_name}".strip()),
                org_id,
                _neutral(snapshot["organisation"]["name"]),
                _neutral(area_name),
                a["area"],
                "Kemendagri",
                a["fund"],
                "",
            ]
        )
    frame = pd.DataFrame(rows, columns=GRANT_COLUMNS)
    return frame.to_csv(index=False).encode("utf-8")
