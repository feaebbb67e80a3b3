"""The figures of a public report, read from the other apps through their selectors.

Everything here returns plain, JSON-ready data (money as strings with two
decimals), so that the live page, the frozen snapshot of a published report
and every download are one and the same thing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from beneficiaries.selectors import region_names
from core.organisation import get_organisation
from donors.selectors import gift_totals_by_donor_kind, public_partners
from funds.selectors import (
    closed_month_anchor,
    closed_months,
    fund_balances,
    fund_reversals_of_earlier,
    ledger_flows,
    ledger_flows_before,
    location_balances,
    programme_names,
)
from transparency.periods import Period
from transparency.suppression import suppress_tables

SCHEMA = "kenanga.transparency.report/1"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Where money came from. The keys are part of the open-data schema (docs/open-data.md).
SOURCES = {
    "pns": _("ASN (potongan gaji dan infak)"),
    "individual": _("Masyarakat"),
    "company": _("CSR perusahaan"),
    "institution": _("Lembaga"),
    "zakat": _("Zakat"),
    "carried": _("Saldo dari pembukuan sebelumnya"),
    "other": _("Penerimaan lain"),
}
RECEIPT_KINDS = ("contribution", "opening_balance")
SPENDING_KINDS = ("disbursement", "fee", "refund")
# Spending that is no programme; programme names come from the ledger's registry.
PROGRAMME_NAMES = {
    "_fee": _("Biaya operasional"),
    "_refund": _("Pengembalian dana"),
    "": _("Tanpa program"),
}


def money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def canonical_json(data) -> bytes:
    """Return the one byte form of `data` whose SHA-256 is a report's hash."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def snapshot_hash(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def _aid_selectors():
    """Return the disbursements app's public selectors, or None while it has none."""
    try:
        from disbursements import selectors
    except ImportError:
        return None
    if not hasattr(selectors, "public_aid_summary"):
        return None
    return selectors


def _source_of(kind: str, reference_type: str, restriction: str) -> str:
    if restriction == "zakat":
        return "zakat"
    if kind == "opening_balance":
        return "carried"
    if reference_type == "donors.payrollimport":
        return "pns"
    return "other"


def report_build(*, period: Period) -> dict:
    """Return the figures of `period` for every fund, checked to reconcile."""
    start, end = period.start, period.end
    org = get_organisation()
    funds = [fb.fund for fb in fund_balances()]
    by_account = {f.account.pk: f for f in funds if hasattr(f, "account")}
    location_accounts = {
        loc.account.pk for loc, _b in location_balances() if hasattr(loc, "account")
    }
    before = ledger_flows_before(date=start)
    during = ledger_flows(date_from=start, date_to=end)
    after = ledger_flows_before(date=end + dt.timedelta(days=1))

    rows = {
        f.code: {
            "code": f.code,
            "name": f.name,
            "restriction": f.restriction,
            "opening": ZERO,
            "collected": ZERO,
            "disbursed": ZERO,
            "transfers_in": ZERO,
            "transfers_out": ZERO,
            "adjustments": ZERO,
            "ledger_closing": ZERO,
        }
        for f in funds
    }
    sources: dict[tuple[str, str], Decimal] = {}
    programmes: dict[tuple[str, str], Decimal] = {}
    areas: dict[tuple[str, str], Decimal] = {}
    gift_refs: dict[str, Decimal] = {}
    location_opening = location_closing = ZERO

    for flows, field in ((before, "opening"), (after, "ledger_closing")):
        for (account_id, *_rest), amount in flows.items():
            fund = by_account.get(account_id)
            if fund is not None:
                rows[fund.code][field] -= amount
            elif account_id in location_accounts:
                if field == "opening":
                    location_opening += amount
                else:
                    location_closing += amount

    for (account_id, kind, programme, area, _asnaf, ref_type), amount in during.items():
        fund = by_account.get(account_id)
        if fund is None:
            continue
        row, natural = rows[fund.code], -amount
        if kind in RECEIPT_KINDS:
            row["collected"] += natural
            if (
                kind == "contribution"
                and ref_type == "donors.contribution"
                and fund.restriction != "zakat"
            ):
                gift_refs[fund.code] = gift_refs.get(fund.code, ZERO) + natural
            else:
                key = (fund.code, _source_of(kind, ref_type, fund.restriction))
                sources[key] = sources.get(key, ZERO) + natural
        elif kind in SPENDING_KINDS:
            row["disbursed"] -= natural
            prog = programme if kind == "disbursement" else f"_{kind}"
            programmes[(fund.code, prog)] = programmes.get((fund.code, prog), ZERO) - natural
            if kind == "disbursement":
                areas[(fund.code, area)] = areas.get((fund.code, area), ZERO) - natural
        elif kind == "transfer":
            row["transfers_in" if natural > 0 else "transfers_out"] += abs(natural)
        else:
            row["adjustments"] += natural

    # Single gifts are split by the kind of donor; whatever the donors app cannot
    # explain stays visible as "other" so the sources always add up to the ledger.
    for item in gift_totals_by_donor_kind(start=start, end=end):
        code = item["fund_code"]
        if code not in gift_refs:
            continue
        key = (code, "pns" if item["donor_kind"] == "pns" else item["donor_kind"])
        sources[key] = sources.get(key, ZERO) + item["amount"]
        gift_refs[code] -= item["amount"]
    for code, rest in gift_refs.items():
        if rest:
            sources[(code, "other")] = sources.get((code, "other"), ZERO) + rest

    fund_rows, reconciles = [], True
    for row in rows.values():
        closing = (
            row["opening"]
            + row["collected"]
            - row["disbursed"]
            + row["transfers_in"]
            - row["transfers_out"]
            + row["adjustments"]
        )
        row["closing"] = closing
        row["reconciles"] = closing == row.pop("ledger_closing")
        reconciles &= row["reconciles"]
        if any(
            row[k]
            for k in (
                "opening",
                "collected",
                "disbursed",
                "transfers_in",
                "transfers_out",
                "adjustments",
                "closing",
            )
        ):
            fund_rows.append(row)
    totals = {
        k: sum((r[k] for r in fund_rows), ZERO)
        for k in (
            "opening",
            "collected",
            "disbursed",
            "transfers_in",
            "transfers_out",
            "adjustments",
            "closing",
        )
    }
    # Double entry: the money held must equal the money owed to the funds.
    held_matches = location_opening == totals["opening"] and location_closing == totals["closing"]
    reconciles = reconciles and held_matches and totals["transfers_in"] == totals["transfers_out"]

    names = region_names(codes={a for _f, a in areas} | {a[:8] for _f, a in areas if len(a) > 8})
    area_rows = []
    for (fund_code, area), amount in sorted(areas.items()):
        area_rows.append(
            {
                "fund": fund_code,
                "area": area,
                "kecamatan": names.get(area[:8], area[:8]) if area else "",
                "desa": names.get(area, area) if len(area) > 8 else "",
                "amount": money(amount),
            }
        )

    aid = _aid_section(start, end)
    months = period.months()
    closed = closed_months(date_from=start, date_to=end)
    anchor = closed_month_anchor(year=end.year, month=end.month)
    corrections = [
        {
            "sequence": r["transaction__sequence"],
            "date": r["transaction__date"].isoformat(),
            "kind": r["transaction__kind"],
            "reverses_sequence": r["transaction__reverses__sequence"],
            "reverses_date": r["transaction__reverses__date"].isoformat(),
            "fund": r["account__fund__code"],
            "amount": money(-r["amount"]),
        }
        for r in fund_reversals_of_earlier(date_from=start, date_to=end)
    ]
    _point_back(corrections)
    prog_names = programme_names()
    statements = _statements_section(start, end, org.is_zakat_body, totals, programmes)
    # The statements are computed separately; they must tell the same story.
    reconciles = reconciles and statements["balanced"]
    return {
        "schema": SCHEMA,
        "statements": statements,
        "organisation": {
            "name": org.name,
            "legal_status": org.legal_status,
            "legal_status_label": str(org.get_legal_status_display()),
            "pub_permit_number": org.pub_permit_number,
            "zakat_license_number": org.zakat_license_number if org.is_zakat_body else "",
            "npwp": org.npwp,
            "region_code": org.region_code,
            "signatory_name": org.signatory_name,
            "signatory_title": org.signatory_title,
            "treasurer_signatory_name": org.treasurer_signatory_name,
        },
        "period": {
            "kind": period.kind,
            "code": period.code,
            "label": period.label,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "all_months_closed": all(m in closed for m in months),
        },
        "currency": "IDR",
        "funds": [
            {k: (money(v) if isinstance(v, Decimal) else v) for k, v in r.items()}
            for r in fund_rows
        ],
        "totals": {k: money(v) for k, v in totals.items()},
        "reconciles": reconciles,
        "sources": [
            {"fund": f, "source": s, "amount": money(a)}
            for (f, s), a in sorted(sources.items())
            if a
        ],
        "programmes": [
            {"fund": f, "programme": p, "name": prog_names.get(p, p), "amount": money(a)}
            for (f, p), a in sorted(programmes.items())
            if a
        ],
        "areas": area_rows,
        "aid": aid,
        "partners": [
            {"name": p["name"], "amount": money(p["total"])}
            for p in public_partners(start=start, end=end)
        ],
        "corrections": corrections,
        "ledger": {
            "closed_month": f"{end.year}-{end.month:02d}" if anchor else "",
            "last_sequence": anchor.last_sequence if anchor else None,
            "head_hash": anchor.last_hash if anchor else "",
        },
    }


def _aid_section(start: dt.date, end: dt.date) -> dict:
    """Return households, people and houses helped, small cells already suppressed."""
    selectors = _aid_selectors()
    if selectors is None:
        return {"available": False}
    rows = selectors.public_aid_summary(date_from=start, date_to=end)
    rehabs = selectors.public_completed_rehabs(date_from=start, date_to=end)
    by_prog: dict[str, dict] = {}
    by_desa: dict[tuple[str, str], dict] = {}
    for r in rows:
        p = by_prog.setdefault(
            r["programme"],
            {
                "programme": r["programme"],
                "name": r["programme_name"],
                "households": 0,
                "persons": 0,
                "houses": 0,
                "amount": ZERO,
            },
        )
        d = by_desa.setdefault(
            (r["kecamatan"], r["desa"]),
            {
                "kecamatan": r["kecamatan"],
                "desa": r["desa"],
                "households": 0,
                "persons": 0,
                "houses": 0,
                "amount": ZERO,
            },
        )
        for target in (p, d):
            target["households"] += r["households"]
            target["persons"] += r["persons"]
            target["houses"] += r["houses_completed"]
            target["amount"] += Decimal(r["amount"])
    prog_rows = sorted(by_prog.values(), key=lambda x: x["programme"])
    desa_rows = sorted(by_desa.values(), key=lambda x: (x["kecamatan"], x["desa"]))
    # The disbursements app speaks in Kemendagri codes; the public reads names.
    names = region_names(
        codes={r["kecamatan"] for r in desa_rows}
        | {r["desa"] for r in desa_rows}
        | {r["kecamatan"] for r in rehabs}
        | {r["desa"] for r in rehabs}
    )
    households = sum(r["households"] for r in prog_rows)
    persons = sum(r["persons"] for r in prog_rows)
    houses = sum(r["houses"] for r in prog_rows)
    (prog_h, desa_h), households_shown = suppress_tables(
        [[r["households"] for r in prog_rows], [r["households"] for r in desa_rows]], households
    )
    (prog_p, desa_p), persons_shown = suppress_tables(
        [[r["persons"] for r in prog_rows], [r["persons"] for r in desa_rows]],
        persons,
    )
    (desa_houses,), houses_shown = suppress_tables([[r["houses"] for r in desa_rows]], houses)

    def hidden(shown: str) -> bool:
        return not shown.isdigit()

    out_prog = []
    for r, h, p in zip(prog_rows, prog_h.shown, prog_p.shown, strict=True):
        out_prog.append(
            {
                "programme": r["programme"],
                "name": r["name"],
                "households": h,
                # People are hidden with their households: a small count of people is a small household.
                "persons": p if not hidden(h) else h,
                "amount": money(r["amount"]),
            }
        )
    out_desa = []
    for r, h, p, hs in zip(desa_rows, desa_h.shown, desa_p.shown, desa_houses.shown, strict=True):
        out_desa.append(
            {
                "area": r["desa"],
                "kecamatan": names.get(r["kecamatan"], r["kecamatan"]),
                "desa": names.get(r["desa"], r["desa"]),
                "households": h,
                "persons": p if not hidden(h) else h,
                "houses": hs,
                "amount": money(r["amount"]),
            }
        )
    return {
        "available": True,
        "households": households_shown,
        "persons": persons_shown,
        "houses": houses_shown,
        "by_programme": out_prog,
        "by_desa": out_desa,
        "rehabs": [
            {
                "kecamatan": names.get(r["kecamatan"], r["kecamatan"]),
                "desa": names.get(r["desa"], r["desa"]),
                "completed_on": r["completed_on"].isoformat() if r["completed_on"] else "",
                "initials": r["initials"] or "",
            }
            for r in rehabs
        ],
    }


def _ratio(part: Decimal, whole: Decimal) -> str | None:
    return money(part * 100 / whole) if whole else None


def _statements_section(start, end, zakat_body: bool, totals: dict, programmes: dict) -> dict:
    """Return the ISAK 35 / PSAK 109 statement rows and the legal ratios of the period."""
    from funds.models import ShareLimit
    from funds.services import share_limit
    from funds.statements import statements_for_period

    stmt = statements_for_period(date_from=start, date_to=end)
    header, rows = stmt.export_rows()
    costs = sum((a for (_f, p), a in programmes.items() if p == "_fee"), ZERO)
    distributed = sum((a for (_f, p), a in programmes.items() if not p.startswith("_")), ZERO)
    collected = totals["collected"]
    ratios = {
        "distributed_percent": _ratio(distributed, collected),
        "costs_percent": _ratio(costs, collected),
        "costs_limit_percent": money(share_limit(kind=ShareLimit.Kind.COSTS_FROM_INFAK, date=end)),
    }
    if zakat_body:
        ratios["amil_percent"] = money(stmt.amil_percent or ZERO)
        ratios["amil_limit_percent"] = money(
            share_limit(kind=ShareLimit.Kind.AMIL_FROM_ZAKAT, date=end)
        )
    return {
        "standard": "PSAK 109" if zakat_body else "ISAK 35",
        "balanced": stmt.balanced,
        "header": [str(h) for h in header],
        "rows": [[str(c) if not isinstance(c, Decimal) else money(c) for c in r] for r in rows],
        "ratios": ratios,
    }


def _point_back(corrections: list[dict]) -> None:
    """Name, for each correction, the published report that showed the original figures."""
    from transparency.models import PublishedReport

    if not corrections:
        return
    dates = [dt.date.fromisoformat(c["reverses_date"]) for c in corrections]
    reports = list(
        PublishedReport.objects.filter(date_from__lte=max(dates), date_to__gte=min(dates))
        .order_by("date_to", "-date_from")  # the shortest, earliest period first
        .values("date_from", "date_to", "hash", "period_code")
    )
    for correction, day in zip(corrections, dates, strict=True):
        found = next((r for r in reports if r["date_from"] <= day <= r["date_to"]), None)
        correction["report_hash"] = found["hash"] if found else ""
        correction["report_period"] = found["period_code"] if found else ""
