"""Financial statements of a period, computed from the postings (selectors).

ISAK 35 for every organisation: financial position (assets = net assets with
and without restriction) and activities. PSAK 109 for a licensed zakat body:
changes in each fund, distribution per asnaf and the amil percentage.
Every row satisfies closing = opening + in - out by construction, and the
totals are checked against each other before anything is shown or signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from core.organisation import get_organisation
from funds.models import ZERO, Account, Fund, Posting, Transaction
from funds.selectors import account_kind_totals

K = Transaction.Kind
CENT = Decimal("0.01")
RECEIPTS = (K.CONTRIBUTION, K.OPENING_BALANCE)
SPENDING = (K.DISBURSEMENT, K.FEE, K.REFUND)


@dataclass
class Row:
    label: str
    code: str
    group: str  # "unrestricted", "restricted" or a zakat class; "asset" for locations
    opening: Decimal = ZERO
    receipts: Decimal = ZERO
    spending: Decimal = ZERO
    transfers: Decimal = ZERO
    adjustments: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.receipts - self.spending + self.transfers + self.adjustments

    @property
    def group_label(self) -> str:
        """Return the group in the reader's words ("Tanpa pembatasan"), never its code."""
        from funds.models import Fund

        try:
            return str(Fund.Restriction(self.group).label)
        except ValueError:
            return ""

    def values(self) -> list[Decimal]:
        return [
            self.opening,
            self.receipts,
            self.spending,
            self.transfers,
            self.adjustments,
            self.closing,
        ]


@dataclass
class Statements:
    date_from: dt.date
    date_to: dt.date
    funds: list[Row]
    locations: list[Row]
    zakat_body: bool
    asnaf: list[tuple[str, Decimal]] = field(default_factory=list)
    amil_percent: Decimal | None = None

    def total(self, rows: list[Row], group: str | None = None) -> Row:
        total = Row(label=_("Jumlah"), code="", group=group or "")
        for row in rows:
            if group is None or row.group == group:
                for name in ("opening", "receipts", "spending", "transfers", "adjustments"):
                    setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def unrestricted(self) -> Row:
        total = self.total(self.funds, "unrestricted")
        total.label = _("Aset neto tanpa pembatasan")
        return total

    @property
    def restricted(self) -> Row:
        total = Row(label=_("Aset neto dengan pembatasan"), code="", group="restricted")
        for row in self.funds:
            if row.group != "unrestricted":
                for name in ("opening", "receipts", "spending", "transfers", "adjustments"):
                    setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def assets(self) -> Row:
        total = self.total(self.locations)
        total.label = _("Jumlah aset")
        return total

    @property
    def net_assets(self) -> Row:
        total = self.total(self.funds)
        total.label = _("Jumlah aset neto")
        return total

    @property
    def balanced(self) -> bool:
        """Say whether assets equal net assets at both ends and every fund adds up."""
        return (
            self.assets.opening == self.net_assets.opening
            and self.assets.closing == self.net_assets.closing
            and self.net_assets.transfers == 0
        )

    def export_rows(self) -> tuple[list[str], list[list]]:
        """Return one flat table (header, rows) for CSV/XLSX and the figures hash."""
        header = [
            _("Bagian"),
            _("Pos"),
            _("Saldo awal"),
            _("Penerimaan"),
            _("Penyaluran dan biaya"),
            _("Pemindahan antardana"),
            _("Penyesuaian"),
            _("Saldo akhir"),
        ]
        rows = []
        for row in self.locations + [self.assets]:
            rows.append([_("Posisi keuangan: aset"), row.label, *row.values()])
        for row in self.funds + [self.unrestricted, self.restricted, self.net_assets]:
            rows.append([_("Aktivitas: aset neto"), row.label, *row.values()])
        for asnaf, amount in self.asnaf:
            rows.append([_("Penyaluran zakat per asnaf"), asnaf, "", "", amount, "", "", ""])
        if self.amil_percent is not None:
            rows.append([_("Persentase hak amil"), "%", "", "", "", "", "", self.amil_percent])
        return header, rows

    def fingerprint_payload(self) -> list:
        """Return what the fingerprint covers: the period, codes and amounts only.

        No label, no fund name and nothing translated, so that the same figures
        give the same fingerprint in every language and after a fund is renamed.
        """

        def amounts(row: Row) -> list[str]:
            return [str(Decimal(v).quantize(CENT)) for v in row.values()]

        return [
            self.date_from.isoformat(),
            self.date_to.isoformat(),
            [["location", r.code, *amounts(r)] for r in self.locations],
            [["fund", r.code, r.group, *amounts(r)] for r in self.funds],
            [[a, str(Decimal(v).quantize(CENT))] for a, v in self.asnaf],
            None if self.amil_percent is None else str(self.amil_percent),
        ]

    @property
    def figures_hash(self) -> str:
        raw = json.dumps(self.fingerprint_payload(), separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()

    def snapshot(self) -> dict:
        """Return the figures as JSON-ready data, stored with a sign-off to show them again."""

        def row(r: Row) -> dict:
            return {
                "label": r.label,
                "code": r.code,
                "group": r.group,
                "values": [str(v) for v in r.values()[:-1]],
            }

        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "zakat_body": self.zakat_body,
            "locations": [row(r) for r in self.locations],
            "funds": [row(r) for r in self.funds],
            "asnaf": [[a, str(v)] for a, v in self.asnaf],
            "amil_percent": None if self.amil_percent is None else str(self.amil_percent),
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> Statements:
        """Rebuild the statements exactly as they were signed."""

        def row(d: dict) -> Row:
            values = [Decimal(v) for v in d["values"]]
            return Row(d["label"], d["code"], d["group"], *values)

        return cls(
            date_from=dt.date.fromisoformat(data["date_from"]),
            date_to=dt.date.fromisoformat(data["date_to"]),
            funds=[row(d) for d in data["funds"]],
            locations=[row(d) for d in data["locations"]],
            zakat_body=data["zakat_body"],
            asnaf=[(a, Decimal(v)) for a, v in data["asnaf"]],
            amil_percent=None if data["amil_percent"] is None else Decimal(data["amil_percent"]),
        )


def _group(fund: Fund) -> str:
    if fund.restriction == Fund.Restriction.UNRESTRICTED:
        return "unrestricted"
    if fund.restriction == Fund.Restriction.RESTRICTED:
        return "restricted"
    return str(fund.restriction)


def statements_for_period(
    *, date_from: dt.date, date_to: dt.date, up_to_sequence: int | None = None
) -> Statements:
    """Compute the statements of [date_from, date_to] with one grouped query.

    With `up_to_sequence`, only transactions up to that chain position count:
    the figures as they stood when a sign-off was given.
    """
    in_period = Q(transaction__date__gte=date_from, transaction__date__lte=date_to)
    if up_to_sequence is None:
        # Closed months are read from their month snapshots, not summed posting by posting.
        by_account = account_kind_totals(date_from=date_from, date_to=date_to)
    else:
        postings = Posting.objects.filter(transaction__date__lte=date_to)
        if up_to_sequence is not None:
            postings = postings.filter(transaction__sequence__lte=up_to_sequence)
            in_period &= Q(transaction__sequence__lte=up_to_sequence)
        sums = postings.values("account_id", "transaction__kind").annotate(
            before=Sum("amount", filter=Q(transaction__date__lt=date_from)),
            during=Sum("amount", filter=in_period),
        )
        by_account: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
        for item in sums:
            by_account.setdefault(item["account_id"], {})[item["transaction__kind"]] = (
                item["before"] or ZERO,
                item["during"] or ZERO,
            )
    funds, locations = [], []
    for account in Account.objects.select_related("fund", "location").order_by("kind", "pk"):
        owner = account.fund or account.location
        row = Row(
            label=owner.name,
            code=owner.code,
            group=_group(account.fund) if account.fund else "asset",
        )
        for kind, (before, during) in by_account.get(account.pk, {}).items():
            before, during = before * account.sign, during * account.sign
            row.opening += before
            if kind in RECEIPTS:
                row.receipts += during
            elif kind in SPENDING:
                row.spending -= during
            elif kind == K.TRANSFER:
                row.transfers += during
            else:
                row.adjustments += during
        (funds if account.fund else locations).append(row)
    zakat_body = get_organisation().is_zakat_body
    result = Statements(
        date_from=date_from,
        date_to=date_to,
        funds=funds,
        locations=locations,
        zakat_body=zakat_body,
    )
    if zakat_body:
        asnaf = (
            Posting.objects.filter(
                in_period,
                account__fund__restriction=Fund.Restriction.ZAKAT,
                transaction__kind=K.DISBURSEMENT,
            )
            .values("transaction__asnaf")
            .annotate(total=Sum("amount"))
            .order_by("transaction__asnaf")
        )
        result.asnaf = [(a["transaction__asnaf"] or "-", a["total"]) for a in asnaf]
        zakat_in = sum((r.receipts for r in funds if r.group == Fund.Restriction.ZAKAT), ZERO)
        amil_in = sum(
            (r.transfers for r in funds if r.group == Fund.Restriction.AMIL and r.transfers > 0),
            ZERO,
        )
        result.amil_percent = (
            (amil_in * 100 / zakat_in).quantize(Decimal("0.01")) if zakat_in else Decimal("0.00")
        )
    return result
