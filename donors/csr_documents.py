"""The impact report as a PDF: fit to attach to a company's CSR report, with no personal data."""

from __future__ import annotations

from reportlab.platypus import Paragraph, Spacer

from core.money import format_rupiah
from core.organisation import get_organisation
from core.pdf import STYLES, data_table, escape, render_pdf
from donors.csr_selectors import Impact


def impact_pdf(*, title: str, partner, impact: Impact) -> bytes:
    """Render received against pledged and what the money paid for, by programme and area."""
    org = get_organisation()

    def story():
        flow = [
            Paragraph(escape(f"Mitra: {partner.legal_name}"), STYLES["Normal"]),
            Paragraph(escape(f"Janji: {title}"), STYLES["Normal"]),
            Spacer(1, 6),
            data_table(
                ["Uraian", "Jumlah"],
                [
                    ["Nilai dijanjikan", format_rupiah(impact.pledged)],
                    ["Diterima (uang)", format_rupiah(impact.cash_received)],
                    ["Diterima (barang, nilai BAST)", format_rupiah(impact.goods_value)],
                    ["Barang sudah diserahkan (baris)", str(impact.goods_handed_on)],
                    ["Disalurkan dari dana terikat", format_rupiah(impact.spent)],
                    ["Digabung ke dana umum", format_rupiah(impact.pooled)],
                    ["Rumah direhabilitasi (RTLH)", str(impact.houses)],
                ],
                numeric_columns=[1],
            ),
            Spacer(1, 8),
            Paragraph("<b>Penggunaan per program dan wilayah</b>", STYLES["Normal"]),
        ]
        rows = [
            [
                line.programme or "-",
                line.area or "-",
                str(line.payments),
                format_rupiah(line.amount),
            ]
            for line in impact.lines
        ] or [["-", "-", "0", format_rupiah(0)]]
        flow.append(
            data_table(["Program", "Wilayah", "Pembayaran", "Jumlah"], rows, numeric_columns=[2, 3])
        )
        flow.append(Spacer(1, 6))
        flow.append(
            Paragraph("Laporan ini tidak memuat data pribadi penerima manfaat.", STYLES["Small"])
        )
        return flow

    return render_pdf(title="LAPORAN DAMPAK SUMBANGAN CSR", story=story, org=org, subject=title)
