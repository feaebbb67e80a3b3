"""Turn a report snapshot (live or published) into what pages, PDFs and files show."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from transparency.figures import PROGRAMME_NAMES, SOURCES

FLOW_FIELDS = (
    "opening",
    "collected",
    "disbursed",
    "transfers_in",
    "transfers_out",
    "adjustments",
    "closing",
)


@dataclass
class ReportView:
    snapshot: dict
    fund: str | None
    funds: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    sources: list[tuple[str, Decimal]] = field(default_factory=list)
    programmes: list[tuple[str, Decimal]] = field(default_factory=list)
    kecamatan: list[tuple[str, Decimal]] = field(default_factory=list)
    desa: list[tuple[str, str, Decimal]] = field(default_factory=list)
    partners: list[tuple[str, Decimal]] = field(default_factory=list)
    corrections: list[dict] = field(default_factory=list)

    @property
    def aid(self) -> dict:
        return self.snapshot.get("aid") or {"available": False}

    @property
    def reconciles(self) -> bool:
        return bool(self.snapshot.get("reconciles"))

    @property
    def period(self) -> dict:
        return self.snapshot["period"]

    @property
    def fund_choices(self) -> list[tuple[str, str]]:
        return [(f["code"], f["name"]) for f in self.snapshot["funds"]]


def _add(target: dict, key, amount: Decimal) -> None:
    target[key] = target.get(key, Decimal("0")) + amount


def programme_name(code: str, name: str | None = None) -> str:
    """Return the name of a programme code; spending outside programmes has its own labels."""
    if code in PROGRAMME_NAMES:
        return str(PROGRAMME_NAMES[code])
    return name or code


def report_view(snapshot: dict, *, fund: str | None = None) -> ReportView:
    """Return the figures of `snapshot` for one fund, or for all funds when `fund` is None."""
    codes = {f["code"] for f in snapshot["funds"]}
    fund = fund if fund in codes else None

    def keep(item) -> bool:
        return fund is None or item["fund"] == fund

    view = ReportView(snapshot=snapshot, fund=fund)
    for f in snapshot["funds"]:
        if fund is None or f["code"] == fund:
            row = {k: Decimal(f[k]) for k in FLOW_FIELDS}
            row.update(code=f["code"], name=f["name"], reconciles=f["reconciles"])
            row["transfers"] = row["transfers_in"] - row["transfers_out"]
            row["moves"] = row["transfers"] + row["adjustments"]
            view.funds.append(row)
    view.totals = {
        k: sum((r[k] for r in view.funds), Decimal("0"))
        for k in (*FLOW_FIELDS, "transfers", "moves")
    }
    sources, programmes, kecamatan, desa, names = {}, {}, {}, {}, {}
    for s in snapshot["sources"]:
        if keep(s):
            _add(sources, s["source"], Decimal(s["amount"]))
    for p in snapshot["programmes"]:
        if keep(p):
            _add(programmes, p["programme"], Decimal(p["amount"]))
            names[p["programme"]] = p.get("name") or p["programme"]
    for a in snapshot["areas"]:
        if keep(a):
            _add(kecamatan, a["kecamatan"] or _("Tanpa wilayah"), Decimal(a["amount"]))
            if a["desa"]:
                _add(desa, (a["kecamatan"], a["desa"]), Decimal(a["amount"]))
    view.sources = [
        (str(SOURCES.get(k, k)), v) for k, v in sorted(sources.items(), key=lambda kv: -kv[1])
    ]
    view.programmes = [
        (programme_name(k, names.get(k)), v)
        for k, v in sorted(programmes.items(), key=lambda kv: -kv[1])
    ]
    view.kecamatan = sorted(kecamatan.items(), key=lambda kv: -kv[1])
    view.desa = [(k, d, v) for (k, d), v in sorted(desa.items())]
    view.partners = [(p["name"], Decimal(p["amount"])) for p in snapshot["partners"]]
    view.corrections = [c for c in snapshot["corrections"] if keep(c)]
    return view


def flat_rows(snapshot: dict) -> tuple[list[str], list[list]]:
    """Return the whole report as one table (section, fund, item, ...), for CSV/XLSX."""
    header = ["section", "fund", "item", "kecamatan", "desa", "amount", "households", "persons"]
    rows: list[list] = []
    for f in snapshot["funds"]:
        for k in FLOW_FIELDS:
            rows.append(["fund_flow", f["code"], k, "", "", f[k], "", ""])
    for s in snapshot["sources"]:
        rows.append(["collected_by_source", s["fund"], s["source"], "", "", s["amount"], "", ""])
    for p in snapshot["programmes"]:
        rows.append(
            ["disbursed_by_programme", p["fund"], p["programme"], "", "", p["amount"], "", ""]
        )
    for a in snapshot["areas"]:
        rows.append(
            [
                "disbursed_by_area",
                a["fund"],
                a["area"],
                a["kecamatan"],
                a["desa"],
                a["amount"],
                "",
                "",
            ]
        )
    aid = snapshot.get("aid") or {}
    for r in aid.get("by_programme", []):
        rows.append(
            [
                "aid_by_programme",
                "",
                r["programme"],
                "",
                "",
                r["amount"],
                r["households"],
                r["persons"],
            ]
        )
    for r in aid.get("by_desa", []):
        rows.append(
            [
                "aid_by_desa",
                "",
                "",
                r["kecamatan"],
                r["desa"],
                r["amount"],
                r["households"],
                r["persons"],
            ]
        )
    for p in snapshot["partners"]:
        rows.append(["partner", "", p["name"], "", "", p["amount"], "", ""])
    for c in snapshot["corrections"]:
        rows.append(
            [
                "correction",
                c["fund"],
                f"#{c['sequence']} -> #{c['reverses_sequence']}",
                "",
                "",
                c["amount"],
                "",
                "",
            ]
        )
    return header, rows
