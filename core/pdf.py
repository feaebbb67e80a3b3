"""The base of every official document: reportlab, A4, the organisation's
letterhead, signatures, page numbers and a QR code to check authenticity."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from django.http import HttpResponse
from django.utils import formats, timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

STYLES = getSampleStyleSheet()
STYLES.add(ParagraphStyle("Small", parent=STYLES["Normal"], fontSize=8, leading=10))
STYLES.add(ParagraphStyle("Center", parent=STYLES["Normal"], alignment=TA_CENTER))
STYLES.add(ParagraphStyle("Right", parent=STYLES["Normal"], alignment=TA_RIGHT))
STYLES.add(ParagraphStyle("DocTitle", parent=STYLES["Title"], fontSize=14, spaceAfter=4))


def escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def qr_code(data: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(data)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def letterhead(org) -> list:
    """Return the flowables of the organisation's letterhead."""
    lines = [f"<b>{escape(org.name)}</b>"]
    if org.address:
        lines.append(escape(org.address).replace("\n", "<br/>"))
    extra = " · ".join(
        x
        for x in (
            f"NPWP {escape(org.npwp)}" if org.npwp else "",
            f"Izin PUB {escape(org.pub_permit_number)}" if org.pub_permit_number else "",
            escape(org.phone),
            escape(org.email),
        )
        if x
    )
    if extra:
        lines.append(extra)
    text = Paragraph("<br/>".join(lines), STYLES["Normal"])
    logo = None
    if org.logo:
        try:
            with org.logo.open("rb") as fh:
                logo = Image(io.BytesIO(fh.read()), width=18 * mm, height=18 * mm)
        except (OSError, ValueError):
            logo = None
    table = Table([[logo or "", text]], colWidths=[22 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [table, Spacer(1, 6 * mm)]


def signature_block(signers: Sequence[tuple[str, str, str]], *, place_date: str = "") -> Table:
    """Return a row of signature boxes: (role title, name, NIP)."""
    cells = []
    for title, name, nip in signers:
        body = f"{escape(title)}<br/><br/><br/><br/><u>{escape(name) or '....................'}</u>"
        if nip:
            body += f"<br/>NIP {escape(nip)}"
        cells.append(Paragraph(body, STYLES["Center"]))
    rows = [cells]
    if place_date:
        rows.insert(0, [""] * (len(cells) - 1) + [Paragraph(escape(place_date), STYLES["Center"])])
    table = Table(rows, colWidths=[170 * mm / max(len(cells), 1)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence],
    col_widths=None,
    numeric_columns: Sequence[int] = (),
) -> Table:
    body = [[Paragraph(f"<b>{escape(h)}</b>", STYLES["Small"]) for h in header]]
    for row in rows:
        body.append([Paragraph(escape(c), STYLES["Small"]) for c in row])
    table = Table(body, colWidths=col_widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for col in numeric_columns:
        style.append(("ALIGN", (col, 1), (col, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def render_pdf(
    *,
    title: str,
    story: Callable[[], list] | list,
    org=None,
    subject: str = "",
    footer_note: str = "",
) -> bytes:
    """Build an A4 PDF with letterhead, the given flowables and page numbers."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=org.name if org else "Kenanga",
        subject=subject,
        creator="Kenanga",
    )
    printed = formats.date_format(timezone.localtime(), "j M Y H:i")

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(20 * mm, 10 * mm, f"{footer_note}  Dicetak {printed}".strip())
        canvas.drawRightString(190 * mm, 10 * mm, f"Halaman {document.page}")
        canvas.restoreState()

    flowables = letterhead(org) if org else []
    flowables.append(Paragraph(escape(title), STYLES["DocTitle"]))
    flowables += story() if callable(story) else story
    doc.build(flowables, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    return response
