"""The published report as a PDF (always Indonesian, on the organisation's letterhead)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from core.money import format_rupiah
from core.organisation import get_organisation
from core.pdf import STYLES, data_table, escape, qr_code, render_pdf, signature_block
from transparency.presentation import report_view

LEGAL_BASIS = {
    "community_fund": "Dana bersama masyarakat; penggalangan dana umum menurut Permensos 8/2021 "
    "dan PP 29/1980; laporan keuangan menurut ISAK 35.",
    "lks": "Lembaga Kesejahteraan Sosial; penggalangan dana umum menurut Permensos 8/2021 "
    "dan PP 29/1980; laporan keuangan menurut ISAK 35.",
    "zakat_body": "Lembaga pengelola zakat berizin menurut UU 23/2011; laporan keuangan menurut "
    "PSAK 109.",
}
METHOD_NOTE = (
    "Semua angka uang dihitung dari buku besar berpasangan (double entry): setiap transaksi "
    "berjumlah nol dan dirantai dengan hash. Saldo akhir setiap dana = saldo awal + penerimaan "
    "- penyaluran +/- pemindahan antardana, dan jumlah saldo dana sama dengan uang yang ada di "
    "rekening dan kas. Koreksi atas periode yang sudah terbit tidak mengubah laporan lama; "
    "koreksi tampil sebagai penyesuaian pada periode berikutnya dengan rujukan ke transaksi asal."
)
PRIVACY_NOTE = (
    "Laporan ini tidak memuat NIK, nomor KK, alamat, tanggal lahir, diagnosis, atau identitas "
    'anak. Jumlah rumah tangga di bawah 5 ditampilkan sebagai "<5", dan sel lain disembunyikan '
    '("*") bila perlu agar angka kecil tidak dapat dihitung dari total. Penyumbang perorangan '
    'tampil sebagai "Hamba Allah" kecuali menyetujui namanya ditampilkan, dan hanya sebagai '
    "inisial."
)


def _rp(value) -> str:
    return format_rupiah(Decimal(value))


def _chart(items: list[tuple[str, Decimal]], title: str) -> list:
    items = [(label, v) for label, v in items if v > 0][:8]
    if not items:
        return []
    height = 16 * len(items) + 30
    drawing = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 60 * mm, 10
    chart.width, chart.height = 100 * mm, height - 25
    chart.data = [[float(v) for _l, v in reversed(items)]]
    chart.categoryAxis.categoryNames = [label[:32] for label, _v in reversed(items)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#198754")
    drawing.add(chart)
    drawing.add(String(0, height - 10, title, fontSize=9, fontName="Helvetica-Bold"))
    return [drawing, Spacer(1, 4 * mm)]


def report_pdf(*, snapshot: dict, report_hash: str, verify_url: str) -> bytes:
    """Render a report snapshot as the PDF that is published with it."""
    with translation.override("id"):
        return _report_pdf(snapshot, report_hash, verify_url)


def _report_pdf(snapshot: dict, report_hash: str, verify_url: str) -> bytes:
    view = report_view(snapshot)
    org = snapshot["organisation"]
    period = snapshot["period"]
    story: list = []
    cover = [
        f"<b>Periode:</b> {escape(period['label'])} ({period['start']} s.d. {period['end']})",
        f"<b>Bentuk lembaga:</b> {escape(org['legal_status_label'])}",
        f"<b>Dasar hukum:</b> {escape(LEGAL_BASIS.get(org['legal_status'], ''))}",
        f"<b>Izin PUB:</b> {escape(org['pub_permit_number'] or 'tidak ada (hanya pemotongan gaji ASN)')}",
    ]
    if org.get("zakat_license_number"):
        cover.append(f"<b>Izin pengelola zakat:</b> {escape(org['zakat_license_number'])}")
    if org.get("npwp"):
        cover.append(f"<b>NPWP:</b> {escape(org['npwp'])}")
    for line in cover:
        story.append(Paragraph(line, STYLES["Normal"]))
    story.append(Spacer(1, 4 * mm))
    t = view.totals
    story.append(Paragraph("<b>Ringkasan</b>", STYLES["Heading3"]))
    summary = [
        ["Saldo awal", _rp(t["opening"])],
        ["Penerimaan", _rp(t["collected"])],
        ["Penyaluran dan biaya", _rp(t["disbursed"])],
        ["Pemindahan antardana (bersih)", _rp(t["transfers"])],
        ["Penyesuaian", _rp(t["adjustments"])],
        ["Saldo akhir", _rp(t["closing"])],
    ]
    aid = view.aid
    if aid.get("available"):
        summary += [
            ["Rumah tangga dibantu", aid["households"]],
            ["Jiwa dibantu", aid["persons"]],
            ["Rumah direhabilitasi", aid["houses"]],
        ]
    story.append(
        data_table(["Pos", "Jumlah"], summary, col_widths=[90 * mm, 70 * mm], numeric_columns=[1])
    )
    story.append(Spacer(1, 3 * mm))
    status = "SESUAI" if view.reconciles else "TIDAK SESUAI"
    story.append(Paragraph(f"<b>Rekonsiliasi:</b> {status}", STYLES["Normal"]))

    story.append(Paragraph("<b>Rekonsiliasi per dana</b>", STYLES["Heading3"]))
    story.append(
        Paragraph(
            "saldo awal + penerimaan - penyaluran +/- pemindahan = saldo akhir", STYLES["Small"]
        )
    )
    rows = [
        [
            f["name"],
            _rp(f["opening"]),
            _rp(f["collected"]),
            _rp(f["disbursed"]),
            _rp(f["transfers"] + f["adjustments"]),
            _rp(f["closing"]),
        ]
        for f in view.funds
    ]
    rows.append(
        [
            "Jumlah",
            _rp(t["opening"]),
            _rp(t["collected"]),
            _rp(t["disbursed"]),
            _rp(t["transfers"] + t["adjustments"]),
            _rp(t["closing"]),
        ]
    )
    story.append(
        data_table(
            ["Dana", "Saldo awal", "Penerimaan", "Penyaluran", "Pemindahan", "Saldo akhir"],
            rows,
            numeric_columns=[1, 2, 3, 4, 5],
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("<b>Penerimaan menurut sumber</b>", STYLES["Heading3"]))
    story.append(
        data_table(
            ["Sumber", "Jumlah"], [[s, _rp(v)] for s, v in view.sources], numeric_columns=[1]
        )
    )
    story += _chart(view.sources, "Penerimaan menurut sumber")
    story.append(Paragraph("<b>Penyaluran menurut program</b>", STYLES["Heading3"]))
    story.append(
        data_table(
            ["Program", "Jumlah"], [[p, _rp(v)] for p, v in view.programmes], numeric_columns=[1]
        )
    )
    story += _chart(view.programmes, "Penyaluran menurut program")
    story.append(Paragraph("<b>Penyaluran menurut kecamatan dan desa</b>", STYLES["Heading3"]))
    story.append(
        data_table(
            ["Kecamatan", "Desa", "Jumlah"],
            [[k, d, _rp(v)] for k, d, v in view.desa] or [["-", "-", "-"]],
            numeric_columns=[2],
        )
    )
    if aid.get("available"):
        story.append(Paragraph("<b>Rumah tangga dan jiwa dibantu</b>", STYLES["Heading3"]))
        story.append(
            data_table(
                ["Program", "Rumah tangga", "Jiwa", "Jumlah"],
                [
                    [r["name"], r["households"], r["persons"], _rp(r["amount"])]
                    for r in aid["by_programme"]
                ],
                numeric_columns=[1, 2, 3],
            )
        )
        story.append(Spacer(1, 2 * mm))
        story.append(
            data_table(
                ["Kecamatan", "Desa", "Rumah tangga", "Jiwa", "Rumah", "Jumlah"],
                [
                    [
                        r["kecamatan"],
                        r["desa"],
                        r["households"],
                        r["persons"],
                        r["houses"],
                        _rp(r["amount"]),
                    ]
                    for r in aid["by_desa"]
                ],
                numeric_columns=[2, 3, 4, 5],
            )
        )
    if view.partners:
        story.append(Paragraph("<b>Mitra dan penyumbang</b>", STYLES["Heading3"]))
        story.append(
            data_table(
                ["Nama", "Jumlah"], [[n, _rp(v)] for n, v in view.partners], numeric_columns=[1]
            )
        )
    if view.corrections:
        story.append(Paragraph("<b>Koreksi atas periode sebelumnya</b>", STYLES["Heading3"]))
        story.append(
            data_table(
                ["Transaksi", "Tanggal", "Membalik", "Tanggal asal", "Dana", "Jumlah"],
                [
                    [
                        f"#{c['sequence']}",
                        c["date"],
                        f"#{c['reverses_sequence']}",
                        c["reverses_date"],
                        c["fund"],
                        _rp(c["amount"]),
                    ]
                    for c in view.corrections
                ],
                numeric_columns=[5],
            )
        )
    story.append(PageBreak())
    story.append(Paragraph("<b>Metode</b>", STYLES["Heading3"]))
    story.append(Paragraph(escape(METHOD_NOTE), STYLES["Normal"]))
    story.append(Paragraph("<b>Perlindungan data pribadi</b>", STYLES["Heading3"]))
    story.append(Paragraph(escape(PRIVACY_NOTE), STYLES["Normal"]))
    story.append(Spacer(1, 6 * mm))
    story.append(
        signature_block(
            [
                ("Bendahara", org.get("treasurer_signatory_name", ""), ""),
                (org.get("signatory_title") or "Kepala", org.get("signatory_name", ""), ""),
            ]
        )
    )
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("<b>Hash dan rantai</b>", STYLES["Heading3"]))
    ledger = snapshot["ledger"]
    for line in (
        f"Hash laporan (SHA-256): {report_hash}",
        f"Hash laporan sebelumnya: {snapshot.get('previous_hash') or '-'}",
        f"Kepala buku besar bulan {ledger['closed_month'] or '-'} (transaksi #{ledger['last_sequence']}): {ledger['head_hash'] or '-'}",
        f"Periksa di: {verify_url}",
    ):
        story.append(Paragraph(escape(line), STYLES["Small"]))
    story.append(qr_code(verify_url))
    return render_pdf(
        title=f"Laporan Transparansi {period['label']}",
        story=story,
        org=get_organisation(),
        subject=f"Laporan {period['code']} {report_hash}",
        footer_note=f"Hash {report_hash[:16]}",
    )
