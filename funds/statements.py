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
from django.utils.translation import ngettext

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


# --- cash flows (direct method) and the notes ---------------------------------------------
@dataclass
class CashLocation:
    """One money location's cash movements in the period (its own account, debit +)."""

    label: str
    code: str
    kind: str
    opening: Decimal = ZERO
    receipts: Decimal = ZERO
    payments: Decimal = ZERO
    transfers: Decimal = ZERO  # net moves to and from other locations
    adjustments: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.receipts - self.payments + self.transfers + self.adjustments

    def values(self) -> list[Decimal]:
        return [
            self.opening,
            self.receipts,
            self.payments,
            self.transfers,
            self.adjustments,
            self.closing,
        ]


@dataclass
class CashFlow:
    """The cash-flow statement of a period: every line read from the money locations' postings.

    Cash is all money the organisation holds (bank accounts, the cash box,
    gateway balances), so receipts - payments + moves + adjustments is the
    change in the locations' balances by construction.
    """

    date_from: dt.date
    date_to: dt.date
    receipts: list[tuple[str, Decimal]]  # by source
    payments: list[tuple[str, Decimal]]  # by programme (and costs)
    locations: list[CashLocation]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(loc, name) for loc in self.locations), ZERO)

    @property
    def total_receipts(self) -> Decimal:
        return sum((a for _l, a in self.receipts), ZERO)

    @property
    def total_payments(self) -> Decimal:
        return sum((a for _l, a in self.payments), ZERO)

    @property
    def transfers(self) -> Decimal:
        """Return the net of moves between locations: minus what the moves cost in fees."""
        return self._sum("transfers")

    @property
    def adjustments(self) -> Decimal:
        return self._sum("adjustments")

    @property
    def opening(self) -> Decimal:
        return self._sum("opening")

    @property
    def closing(self) -> Decimal:
        return self._sum("closing")

    @property
    def net_change(self) -> Decimal:
        return self.total_receipts - self.total_payments + self.transfers + self.adjustments

    @property
    def reconciles(self) -> bool:
        """Say whether the flows by source and programme add up to the locations' movements."""
        return (
            self.total_receipts == self._sum("receipts")
            and self.total_payments == self._sum("payments")
            and self.opening + self.net_change == self.closing
        )


_FLOW_FIELDS = (
    "account_id",
    "transaction__kind",
    "transaction__programme",
    "transaction__area",
    "transaction__asnaf",
    "transaction__reference_type",
)


def _flows_up_to(date_from: dt.date, date_to: dt.date, up_to_sequence: int) -> tuple[dict, dict]:
    """Return (before, during) flow sums of transactions up to a chain position (a sign-off)."""
    before: dict = {}
    during: dict = {}
    rows = (
        Posting.objects.filter(
            transaction__date__lte=date_to, transaction__sequence__lte=up_to_sequence
        )
        .values(*_FLOW_FIELDS)
        .annotate(
            before=Sum("amount", filter=Q(transaction__date__lt=date_from)),
            during=Sum("amount", filter=Q(transaction__date__gte=date_from)),
        )
    )
    for item in rows:
        key = tuple(item[f] for f in _FLOW_FIELDS)
        if item["before"]:
            before[key] = before.get(key, ZERO) + item["before"]
        if item["during"]:
            during[key] = during.get(key, ZERO) + item["during"]
    return before, during


def _source_label(kind: str, reference_type: str) -> str:
    from funds.references import reference_owner

    if kind == K.OPENING_BALANCE:
        return _("Saldo dari pembukuan sebelumnya")
    owner = reference_owner(reference_type) if reference_type else None
    if owner is not None:
        return str(owner.source_label or owner.label)
    return _("Penerimaan lain")


def _payment_label(kind: str, programme: str, names: dict[str, str]) -> str:
    if kind == K.FEE:
        return _("Biaya bank dan payment gateway")
    if kind == K.REFUND:
        return _("Pengembalian dana kepada pemberi")
    if not programme:
        return _("Penyaluran tanpa program")
    return _("Penyaluran: %(p)s") % {"p": names.get(programme, programme)}


def cash_flow_for_period(
    *, date_from: dt.date, date_to: dt.date, up_to_sequence: int | None = None
) -> CashFlow:
    """Compute the cash-flow statement (direct method) of [date_from, date_to].

    Read from the money locations' postings only (month snapshots for closed
    months), so it reconciles to the ledger's cash by construction; receipts
    are named by the kind of record that brought them, payments by programme.
    """
    from funds.selectors import ledger_flows, ledger_flows_before, programme_names

    if up_to_sequence is None:
        before = ledger_flows_before(date=date_from)
        during = ledger_flows(date_from=date_from, date_to=date_to)
    else:
        before, during = _flows_up_to(date_from, date_to, up_to_sequence)
    accounts = Account.objects.filter(kind=Account.Kind.LOCATION).select_related("location")
    by_account = {
        a.pk: CashLocation(label=a.location.name, code=a.location.code, kind=a.location.kind)
        for a in accounts.order_by("location__kind", "location__name", "pk")
    }
    for (account_id, *_rest), amount in before.items():
        if account_id in by_account:
            by_account[account_id].opening += amount
    names = programme_names()
    receipts: dict[str, Decimal] = {}
    payments: dict[str, Decimal] = {}
    for (account_id, kind, programme, _area, _asnaf, ref_type), amount in during.items():
        location = by_account.get(account_id)
        if location is None:
            continue
        if kind in RECEIPTS:
            location.receipts += amount
            label = _source_label(kind, ref_type)
            receipts[label] = receipts.get(label, ZERO) + amount
        elif kind in SPENDING:
            location.payments -= amount
            label = _payment_label(kind, programme, names)
            payments[label] = payments.get(label, ZERO) - amount
        elif kind == K.TRANSFER:
            location.transfers += amount
        else:
            location.adjustments += amount

    def ordered(items: dict[str, Decimal]) -> list[tuple[str, Decimal]]:
        return sorted(((k, v) for k, v in items.items() if v), key=lambda kv: (-kv[1], kv[0]))

    return CashFlow(
        date_from=date_from,
        date_to=date_to,
        receipts=ordered(receipts),
        payments=ordered(payments),
        locations=list(by_account.values()),
    )


@dataclass
class Note:
    """One note to the statements: a heading, paragraphs, and optionally a table."""

    title: str
    paragraphs: list[str]
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    numeric_columns: tuple[int, ...] = ()


def statement_notes(
    *, figures: Statements, cash: CashFlow, today: dt.date | None = None
) -> list[Note]:
    """Write the notes to the statements from the data, in the document language.

    Basis of preparation, the funds and their restrictions, the money
    locations, commitments still open, and events after the period (only when
    there are any).
    """
    from django.utils import formats, timezone

    from core.money import format_rupiah
    from funds.models import ClosedPeriod, Commitment, MoneyLocation
    from funds.selectors import programme_names

    today = today or timezone.localdate()
    org = get_organisation()

    def day(value: dt.date) -> str:
        return formats.date_format(value, "j F Y")

    standard = _("ISAK 35 (Penyajian Laporan Keuangan Entitas Berorientasi Nonlaba)")
    if figures.zakat_body:
        standard = _(
            "ISAK 35 (Penyajian Laporan Keuangan Entitas Berorientasi Nonlaba) dan PSAK 109 "
            "(Akuntansi Zakat, Infak/Sedekah)"
        )
    closed = ClosedPeriod.objects.order_by("-year", "-month").first()
    basis = [
        _(
            "Laporan keuangan %(org)s untuk periode %(a)s sampai dengan %(b)s disusun "
            "berdasarkan %(std)s, dalam rupiah."
        )
        % {
            "org": org.name,
            "a": day(figures.date_from),
            "b": day(figures.date_to),
            "std": standard,
        },
        _(
            "Semua angka berasal dari buku besar berpasangan (double entry): setiap "
            "penerimaan, penyaluran dan pemindahan dicatat pada tempat uang (aset) dan pada "
            "dana pemiliknya (aset neto), sehingga jumlah aset selalu sama dengan jumlah "
            "aset neto. Catatan tidak pernah diubah; kesalahan dikoreksi dengan transaksi "
            "pembalik yang menyebut transaksi asalnya, dan setiap transaksi dirantai dengan "
            "hash."
        ),
        _(
            "Laporan arus kas disajikan dengan metode langsung. Kas meliputi seluruh "
            "rekening bank, kas tunai dan saldo payment gateway. Barang yang diterima dalam "
            "bentuk natura tidak termasuk kas."
        ),
    ]
    if closed:
        basis.append(
            _("Pembukuan telah ditutup sampai dengan bulan %(m)02d/%(y)s.")
            % {"m": closed.month, "y": closed.year}
        )

    names = programme_names()
    fund_rows = []
    closing_by_code = {r.code: r.closing for r in figures.funds}
    for fund in Fund.objects.order_by("restriction", "name"):
        scope = []
        if fund.purpose:
            scope.append(fund.purpose)
        if fund.allowed_programmes:
            scope.append(
                _("Program: %(p)s")
                % {"p": ", ".join(names.get(c, c) for c in fund.allowed_programmes)}
            )
        if fund.allowed_areas:
            scope.append(_("Wilayah: %(w)s") % {"w": ", ".join(fund.allowed_areas)})
        if not scope:
            scope.append(_("Semua program dan wilayah"))
        fund_rows.append(
            [
                fund.name,
                str(Fund.Restriction(fund.restriction).label),
                "; ".join(scope),
                format_rupiah(closing_by_code.get(fund.code, ZERO)),
            ]
        )
    restricted = figures.restricted.closing
    funds_note = Note(
        title=_("Dana dan pembatasannya"),
        paragraphs=[
            _(
                "Dana tanpa pembatasan dapat dipakai untuk semua program organisasi. Dana "
                "dengan pembatasan hanya boleh dipakai untuk tujuan, program dan wilayah yang "
                "ditetapkan pemberinya; pembatasan itu diperiksa setiap kali bantuan disetujui. "
                "Pada akhir periode aset neto dengan pembatasan berjumlah %(r)s."
            )
            % {"r": format_rupiah(restricted)}
        ],
        header=[_("Dana"), _("Pembatasan"), _("Tujuan, program dan wilayah"), _("Saldo akhir")],
        rows=fund_rows,
        numeric_columns=(3,),
    )

    closing_by_location = {loc.code: loc.closing for loc in cash.locations}
    location_rows = [
        [
            loc.name,
            str(MoneyLocation.Kind(loc.kind).label),
            " ".join(x for x in (loc.bank_name, loc.account_number) if x) or "-",
            format_rupiah(closing_by_location.get(loc.code, ZERO)),
        ]
        for loc in MoneyLocation.objects.order_by("kind", "name")
    ]
    locations_note = Note(
        title=_("Tempat uang"),
        paragraphs=[
            _(
                "Uang disimpan di tempat-tempat berikut. Saldo akhirnya berjumlah %(c)s, sama "
                "dengan kas akhir pada laporan arus kas dan jumlah aset pada laporan posisi "
                "keuangan."
            )
            % {"c": format_rupiah(cash.closing)}
        ],
        header=[_("Tempat uang"), _("Jenis"), _("Bank dan nomor rekening"), _("Saldo akhir")],
        rows=location_rows,
        numeric_columns=(3,),
    )

    open_by_fund: dict[str, list] = {}
    for commitment in Commitment.objects.filter(status=Commitment.Status.OPEN).select_related(
        "fund"
    ):
        entry = open_by_fund.setdefault(commitment.fund.name, [0, ZERO])
        entry[0] += 1
        entry[1] += commitment.remaining
    if open_by_fund:
        total = sum((v[1] for v in open_by_fund.values()), ZERO)
        commitments_note = Note(
            title=_("Komitmen yang belum dibayar"),
            paragraphs=[
                _(
                    "Per %(d)s terdapat bantuan yang telah disetujui tetapi belum dibayar "
                    "sebesar %(t)s. Jumlah ini dicadangkan dari saldo dana dan tidak dapat "
                    "dipakai untuk bantuan lain sampai dibayar atau dilepas."
                )
                % {"d": day(today), "t": format_rupiah(total)}
            ],
            header=[_("Dana"), _("Jumlah permohonan"), _("Belum dibayar")],
            rows=[
                [name, str(n), format_rupiah(a)] for name, (n, a) in sorted(open_by_fund.items())
            ],
            numeric_columns=(1, 2),
        )
    else:
        commitments_note = Note(
            title=_("Komitmen yang belum dibayar"),
            paragraphs=[
                _("Per %(d)s tidak ada bantuan disetujui yang belum dibayar.") % {"d": day(today)}
            ],
        )
    notes = [
        Note(title=_("Dasar penyusunan"), paragraphs=basis),
        funds_note,
        locations_note,
        commitments_note,
    ]

    after = Transaction.objects.filter(date__gt=figures.date_to, date__lte=today)
    if after.exists():
        cash_ids = Account.objects.filter(kind=Account.Kind.LOCATION).values("pk")
        totals = (
            Posting.objects.filter(transaction__in=after, account__in=cash_ids)
            .values("transaction__kind")
            .annotate(total=Sum("amount"))
        )
        received = sum((t["total"] for t in totals if t["transaction__kind"] in RECEIPTS), ZERO)
        paid = -sum((t["total"] for t in totals if t["transaction__kind"] in SPENDING), ZERO)
        after_count = after.count()
        reversed_count = after.filter(
            reverses__date__gte=figures.date_from, reverses__date__lte=figures.date_to
        ).count()
        paragraphs = [
            ngettext(
                "Setelah tanggal laporan sampai dengan %(d)s tercatat %(n)s transaksi: "
                "penerimaan %(r)s dan penyaluran serta biaya %(p)s. Transaksi ini tidak "
                "termasuk dalam angka periode ini.",
                "Setelah tanggal laporan sampai dengan %(d)s tercatat %(n)s transaksi: "
                "penerimaan %(r)s dan penyaluran serta biaya %(p)s. Transaksi ini tidak "
                "termasuk dalam angka periode ini.",
                after_count,
            )
            % {
                "d": day(today),
                "n": after_count,
                "r": format_rupiah(received),
                "p": format_rupiah(paid),
            }
        ]
        if reversed_count:
            paragraphs.append(
                ngettext(
                    "%(n)s di antaranya membalik transaksi dalam periode ini; koreksi itu "
                    "tampak pada periode pembalikannya.",
                    "%(n)s di antaranya membalik transaksi dalam periode ini; koreksi itu "
                    "tampak pada periode pembalikannya.",
                    reversed_count,
                )
                % {"n": reversed_count}
            )
        notes.append(Note(title=_("Kejadian setelah periode pelaporan"), paragraphs=paragraphs))
    return notes
