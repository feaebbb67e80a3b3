"""The official documents of donors: receipts (one or a batch) and yearly statements."""

from __future__ import annotations

from collections.abc import Iterable

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import formats
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from core.links import public_url
from core.money import format_rupiah, terbilang
from core.organisation import get_organisation
from core.pdf import STYLES, data_table, escape, place_and_date, render_pdf, signature_block
from donors.models import Receipt
from donors.selectors import Statement, donor_statement_code

TITLE_RECEIPT = "TANDA TERIMA SUMBANGAN"
TITLE_ZAKAT = "BUKTI SETORAN ZAKAT"


def receipt_title(receipt: Receipt) -> str:
    # Only a licensed zakat body's zakat fund issues a BSZ; everything else is a donation.
    return TITLE_ZAKAT if receipt.is_zakat else TITLE_RECEIPT


class QrFlowable(Flowable):
    """A QR code drawn as one path of filled squares.

    reportlab's QR widget encodes the data again for every measurement and draws
    thousands of shapes, about 0.1 s per receipt; a batch of an OPD's month then
    took a minute. The `qrcode` package encodes once and this draws one path.
    """

    def __init__(self, data: str, size: float = 28 * mm):
        super().__init__()
        # A fixed mask skips trying all eight (any mask is valid for readers).
        qr = qrcode.QRCode(
            border=2, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2
        )
        qr.add_data(data)
        qr.make(fit=True)
        self.matrix = qr.get_matrix()
        self.size = size
        self.width = self.height = size

    def draw(self):
        cells = len(self.matrix)
        cell = self.size / cells
        path = self.canv.beginPath()
        for y, line in enumerate(self.matrix):
            for x, dark in enumerate(line):
                if dark:
                    path.rect(x * cell, self.size - (y + 1) * cell, cell, cell)
        self.canv.drawPath(path, stroke=0, fill=1)


def receipt_public_url(receipt: Receipt) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("donors:receipt_verify", args=[receipt.token])


def _date(value) -> str:
    return formats.date_format(value, "j F Y")


def _receipt_flowables(receipt: Receipt, org, *, with_title: bool = True) -> list:
    c = receipt.contribution
    donor = c.donor
    rows = [
        ("Nomor", receipt.code),
        ("Tanggal", _date(receipt.issued_on)),
        ("Telah terima dari", donor.name + (f" (NIP {donor.nip})" if donor.nip else "")),
        ("Jumlah", format_rupiah(c.amount, sen=True)),
        ("Terbilang", terbilang(c.amount).capitalize()),
        ("Untuk", c.fund.name + (f", bulan {c.period:%m/%Y}" if c.period else "")),
        ("Cara", c.get_channel_display()),
        ("NPWP penerima", org.npwp or "-"),
    ]
    if donor.npwp:
        rows.append(("NPWP pemberi", donor.npwp))
    body = Table(
        [
            [
                Paragraph(f"<b>{escape(k)}</b>", STYLES["Normal"]),
                Paragraph(escape(v), STYLES["Normal"]),
            ]
            for k, v in rows
        ],
        colWidths=[40 * mm, 95 * mm],
    )
    body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    qr = Table(
        [
            [QrFlowable(receipt_public_url(receipt))],
            [Paragraph("Periksa keaslian", STYLES["Small"])],
        ]
    )
    layout = Table([[body, qr]], colWidths=[137 * mm, 33 * mm])
    layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    flowables = [
        Paragraph(f"<b>{receipt_title(receipt)}</b>" if with_title else "", STYLES["Center"]),
        Spacer(1, 4 * mm),
        layout,
        Spacer(1, 6 * mm),
    ]
    if receipt.status == Receipt.Status.VOID:
        flowables.append(
            Paragraph(
                f"<b>BATAL</b>: {escape(receipt.void_reason)}",
                STYLES["Heading2"],
            )
        )
    flowables.append(
        signature_block(
            [
                ("Bendahara", org.treasurer_signatory_name, org.treasurer_signatory_nip),
                (org.signatory_title or "Pimpinan", org.signatory_name, org.signatory_nip),
            ],
            place_date=place_and_date(org, receipt.issued_on),
        )
    )
    return flowables


def receipts_pdf(receipts: Iterable[Receipt], *, title: str = "") -> bytes:
    """Render one receipt per page (a batch for an OPD and month is one PDF)."""
    org = get_organisation()
    receipts = list(receipts)
    story: list = []
    for i, receipt in enumerate(receipts):
        if i:
            story.append(PageBreak())
        # The first page's title is the document title; later pages carry their own.
        story += _receipt_flowables(receipt, org, with_title=i > 0)
    if not receipts:
        story.append(Paragraph("Tidak ada tanda terima.", STYLES["Normal"]))
    name = title or (receipt_title(receipts[0]) if receipts else TITLE_RECEIPT)
    return render_pdf(title=name, story=story, org=org, subject="Kenanga")


def statement_pdf(statement: Statement) -> bytes:
    """Render a donor's yearly statement for tax or zakat records."""
    org = get_organisation()
    donor = statement.donor
    story = [
        Paragraph(
            escape(
                f"{donor.name}"
                + (f" · NIP {donor.nip}" if donor.nip else "")
                + (f" · NPWP {donor.npwp}" if donor.npwp else "")
            ),
            STYLES["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    gift_rows = [
        (
            _date(g.date),
            g.fund.name,
            g.get_channel_display(),
            getattr(getattr(g, "receipt", None), "code", "-"),
            format_rupiah(g.amount),
        )
        for g in statement.gifts
    ]
    story.append(
        data_table(
            ["Tanggal", "Dana", "Cara", "No. tanda terima", "Jumlah"],
            gift_rows or [("-", "-", "-", "-", "-")],
            col_widths=[32 * mm, 40 * mm, 28 * mm, 35 * mm, 35 * mm],
            numeric_columns=[4],
        )
    )
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                f"Jumlah sumbangan tahun {statement.year}: {format_rupiah(statement.received_total)} "
                f"({terbilang(statement.received_total)})"
            ),
            STYLES["Normal"],
        ),
        Spacer(1, 5 * mm),
    ]
    if any(m.expected for m in statement.months):
        story.append(Paragraph("<b>Potongan gaji: seharusnya dan diterima</b>", STYLES["Normal"]))
        story.append(
            data_table(
                ["Bulan", "Seharusnya", "Diterima", "Kurang"],
                [
                    (
                        f"{m.month:%m/%Y}",
                        format_rupiah(m.expected),
                        format_rupiah(m.received),
                        format_rupiah(m.short),
                    )
                    for m in statement.months
                ],
                numeric_columns=[1, 2, 3],
            )
        )
    # The QR code leads to the public document check (no login): anyone holding the paper
    # can see whether it still matches the books; the donor's own page needs a login.
    code = donor_statement_code(statement)
    check = public_url("transparency:document_check", query=f"number={code}")
    qr = Table(
        [
            [QrFlowable(check)],
            [Paragraph(escape(f"Cek keaslian: {code}"), STYLES["Small"])],
        ],
    )
    story += [
        Spacer(1, 5 * mm),
        Table(
            [
                [
                    qr,
                    signature_block(
                        [
                            (
                                org.signatory_title or "Pimpinan",
                                org.signatory_name,
                                org.signatory_nip,
                            )
                        ],
                        place_date=place_and_date(org),
                    ),
                ]
            ],
            colWidths=[40 * mm, 130 * mm],
        ),
    ]
    return render_pdf(
        title=f"Rekap Sumbangan Tahun {statement.year}", story=story, org=org, subject="Kenanga"
    )
