"""The financial statements as the signed paper: position, activities, cash flows and notes.

Laid out on landscape A4 with room to read: each statement starts on its own
page under a heading, amounts line up on the right, totals are shaded, and the
last page carries the sign-off, the signatures and a QR code that leads to the
public document check (never to a staff page).
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.money import format_rupiah
from core.pdf import (
    STYLES,
    data_table,
    escape,
    place_and_date,
    qr_code,
    render_pdf,
    signature_block,
)
from funds.statements import CashFlow, Note, Statements

PAGE = landscape(A4)
# Landscape A4 less margins (257 mm): the item's name, then six amounts.
WIDE_COLUMNS = [65 * mm] + [32 * mm] * 6
SHADE = colors.HexColor("#f1f3f5")
# Paragraphs drop leading spaces; no-break spaces keep the items indented under their heading.
INDENT = "\u00a0" * 6


def _roomy(table: Table, *, total_rows: tuple[int, ...] = (), padding: float = 4) -> Table:
    """Give a table's cells room to breathe and shade its total rows."""
    style = [
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    for row in total_rows:
        style.append(("BACKGROUND", (0, row), (-1, row), SHADE))
        style.append(("LINEABOVE", (0, row), (-1, row), 1, colors.black))
    table.setStyle(TableStyle(style))
    return table


def _heading(number: str, text: str) -> list:
    return [
        Paragraph(f"<b>{escape(number)}. {escape(text)}</b>", STYLES["Heading2"]),
        Spacer(1, 2 * mm),
    ]


def _money(value) -> str:
    return format_rupiah(value)


def _outflow(value) -> str:
    # Money going out is printed in brackets, as a cash-flow statement is read.
    return f"({format_rupiah(value)})" if value else format_rupiah(value)


def _amount_rows(rows) -> list[list[str]]:
    return [[r.label] + [_money(v) for v in r.values()] for r in rows]


def _cash_flow_table(cash: CashFlow) -> Table:
    rows: list[list[str]] = []
    totals: list[int] = []
    sections: list[int] = []

    def section(text: str) -> None:
        sections.append(len(rows) + 1)
        rows.append([text, ""])

    section(_("Arus kas masuk: penerimaan menurut sumber"))
    rows += [[f"{INDENT}{label}", _money(amount)] for label, amount in cash.receipts] or [
        [f"{INDENT}{_('Tidak ada penerimaan')}", _money(0)]
    ]
    totals.append(len(rows) + 1)
    rows.append([_("Jumlah penerimaan kas"), _money(cash.total_receipts)])
    section(_("Arus kas keluar: penyaluran menurut program dan biaya"))
    rows += [[f"{INDENT}{label}", _outflow(amount)] for label, amount in cash.payments] or [
        [f"{INDENT}{_('Tidak ada pengeluaran')}", _money(0)]
    ]
    totals.append(len(rows) + 1)
    rows.append([_("Jumlah pengeluaran kas"), _outflow(cash.total_payments)])
    section(_("Pemindahan antartempat uang"))
    rows += [
        [f"{INDENT}{loc.label}", _money(loc.transfers)] for loc in cash.locations if loc.transfers
    ] or [[f"{INDENT}{_('Tidak ada pemindahan')}", _money(0)]]
    totals.append(len(rows) + 1)
    rows.append([_("Jumlah pemindahan bersih (biaya pemindahan)"), _money(cash.transfers)])
    if cash.adjustments:
        rows.append([_("Penyesuaian"), _money(cash.adjustments)])
    totals.append(len(rows) + 1)
    rows.append([_("Kenaikan (penurunan) kas bersih"), _money(cash.net_change)])
    rows.append([_("Kas awal periode"), _money(cash.opening)])
    totals.append(len(rows) + 1)
    rows.append([_("Kas akhir periode"), _money(cash.closing)])
    table = data_table(
        [_("Uraian"), _("Jumlah")], rows, col_widths=[205 * mm, 52 * mm], numeric_columns=[1]
    )
    _roomy(table, total_rows=tuple(totals), padding=3)
    table.setStyle(
        TableStyle(
            [("SPAN", (0, r), (-1, r)) for r in sections]
            + [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#e9ecef")) for r in sections]
        )
    )
    return table


def _note_flowables(number: int, note: Note) -> list:
    flowables = [Paragraph(f"<b>{number}. {escape(note.title)}</b>", STYLES["Heading3"])]
    for text in note.paragraphs:
        flowables += [Paragraph(escape(text), STYLES["Justify"]), Spacer(1, 2 * mm)]
    if note.rows:
        widths = {4: [70 * mm, 40 * mm, 100 * mm, 47 * mm], 3: [110 * mm, 60 * mm, 60 * mm]}
        flowables.append(
            _roomy(
                data_table(
                    note.header,
                    note.rows,
                    col_widths=widths.get(len(note.header)),
                    numeric_columns=note.numeric_columns,
                )
            )
        )
    flowables.append(Spacer(1, 5 * mm))
    return [KeepTogether(flowables[:3]), *flowables[3:]]


def statements_pdf(
    *,
    figures: Statements,
    cash: CashFlow,
    notes: list[Note],
    org,
    signed: str,
    closed_heads: list[list[str]],
    check_url: str,
) -> bytes:
    """Return the statements of a period as a PDF on the organisation's letterhead."""
    period = _("Periode %(a)s sampai dengan %(b)s") % {
        "a": formats.date_format(figures.date_from, "j F Y"),
        "b": formats.date_format(figures.date_to, "j F Y"),
    }
    header = [
        _("Saldo awal"),
        _("Penerimaan"),
        _("Penyaluran"),
        _("Pemindahan"),
        _("Penyesuaian"),
        _("Saldo akhir"),
    ]
    assets = _amount_rows(figures.locations + [figures.assets])
    net = _amount_rows(
        figures.funds + [figures.unrestricted, figures.restricted, figures.net_assets]
    )
    story = [
        Paragraph(escape(period), STYLES["Center"]),
        Spacer(1, 6 * mm),
        *_heading("1", _("Laporan posisi keuangan")),
        _roomy(
            data_table(
                [_("Aset (tempat uang)")] + header,
                assets,
                col_widths=WIDE_COLUMNS,
                numeric_columns=range(1, 7),
            ),
            total_rows=(len(assets),),
        ),
        Spacer(1, 6 * mm),
        *_heading("2", _("Laporan aktivitas (perubahan aset neto, ISAK 35)")),
        _roomy(
            data_table(
                [_("Aset neto (dana)")] + header,
                net,
                col_widths=WIDE_COLUMNS,
                numeric_columns=range(1, 7),
            ),
            total_rows=(len(net) - 2, len(net) - 1, len(net)),
        ),
    ]
    if figures.zakat_body:
        story += [
            Spacer(1, 6 * mm),
            Paragraph(
                f"<b>{escape(_('Penyaluran zakat per asnaf (PSAK 109)'))}</b>", STYLES["Heading3"]
            ),
            _roomy(
                data_table(
                    [_("Asnaf"), _("Jumlah")],
                    [[a, _money(v)] for a, v in figures.asnaf]
                    + [[_("Persentase hak amil"), f"{figures.amil_percent}%"]],
                    col_widths=[120 * mm, 50 * mm],
                    numeric_columns=[1],
                )
            ),
        ]
    locations = _amount_rows(cash.locations)
    total = [_("Jumlah")] + [
        _money(sum(loc.values()[i] for loc in cash.locations)) for i in range(6)
    ]
    story += [
        PageBreak(),
        *_heading("3", _("Laporan arus kas (metode langsung)")),
        _cash_flow_table(cash),
        Spacer(1, 5 * mm),
        KeepTogether(
            [
                Paragraph(f"<b>{escape(_('Kas per tempat uang'))}</b>", STYLES["Heading3"]),
                _roomy(
                    data_table(
                        [
                            _("Tempat uang"),
                            _("Kas awal"),
                            _("Penerimaan"),
                            _("Pengeluaran"),
                            _("Pemindahan"),
                            _("Penyesuaian"),
                            _("Kas akhir"),
                        ],
                        locations + [total],
                        col_widths=WIDE_COLUMNS,
                        numeric_columns=range(1, 7),
                    ),
                    total_rows=(len(locations) + 1,),
                ),
                Spacer(1, 3 * mm),
                Paragraph(
                    escape(
                        _(
                            "Kas akhir %(c)s sama dengan jumlah aset pada laporan posisi keuangan (%(a)s)."
                        )
                        % {"c": _money(cash.closing), "a": _money(figures.assets.closing)}
                    ),
                    STYLES["Small"],
                ),
            ]
        ),
        PageBreak(),
        *_heading("4", _("Catatan atas laporan keuangan")),
    ]
    for number, note in enumerate(notes, start=1):
        story += _note_flowables(number, note)
    if closed_heads:
        # Printed so that a paper copy held outside anchors the books: a rewritten
        # history no longer ends in these hashes.
        story += [
            CondPageBreak(40 * mm),
            Paragraph(
                f"<b>{escape(_('Bulan tertutup dan kepala rantai'))}</b>", STYLES["Heading3"]
            ),
            _roomy(
                data_table(
                    [_("Bulan tertutup"), _("Transaksi terakhir"), _("Hash kepala rantai")],
                    closed_heads,
                    col_widths=[35 * mm, 35 * mm, 140 * mm],
                )
            ),
            Spacer(1, 5 * mm),
        ]
    qr = Table(
        [
            [
                qr_code(check_url, size=30 * mm),
                Paragraph(
                    escape(
                        _(
                            "Pindai kode QR atau buka %(u)s untuk memeriksa keaslian laporan ini. "
                            "Sidik angka: %(h)s"
                        )
                        % {"u": check_url, "h": figures.figures_hash}
                    ),
                    STYLES["Small"],
                ),
            ]
        ],
        colWidths=[34 * mm, 150 * mm],
    )
    qr.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [
        KeepTogether(
            [
                _roomy(
                    data_table(
                        [_("Pengesahan"), _("Sidik angka")],
                        [[signed, figures.figures_hash]],
                        col_widths=[90 * mm, 167 * mm],
                    )
                ),
                Spacer(1, 6 * mm),
                signature_block(
                    [
                        (_("Bendahara"), org.treasurer_signatory_name, org.treasurer_signatory_nip),
                        (org.signatory_title or _("Kepala"), org.signatory_name, org.signatory_nip),
                    ],
                    place_date=place_and_date(org),
                ),
                Spacer(1, 6 * mm),
                qr,
            ]
        )
    ]
    return render_pdf(
        title=_("Laporan Keuangan"),
        story=story,
        org=org,
        subject=period,
        footer_note=figures.figures_hash[:16],
        pagesize=PAGE,
    )
