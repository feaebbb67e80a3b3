"""The base of every official document: reportlab, A4, the organisation's
letterhead, signatures, page numbers and a QR code to check authenticity.

Official documents are in Indonesian whatever language the clerk's screen is
in: views that return a document are wrapped in `official_document`, which
renders them in DOCUMENT_LANGUAGE (Indonesian unless the deployment chooses
otherwise)."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

STYLES = getSampleStyleSheet()
STYLES.add(ParagraphStyle("Small", parent=STYLES["Normal"], fontSize=8, leading=10))
STYLES.add(ParagraphStyle("SmallRight", parent=STYLES["Small"], alignment=TA_RIGHT))
STYLES.add(ParagraphStyle("Center", parent=STYLES["Normal"], alignment=TA_CENTER))
STYLES.add(ParagraphStyle("Justify", parent=STYLES["Normal"], alignment=TA_JUSTIFY, leading=14))
STYLES.add(ParagraphStyle("Right", parent=STYLES["Normal"], alignment=TA_RIGHT))
STYLES.add(ParagraphStyle("DocTitle", parent=STYLES["Title"], fontSize=14, spaceAfter=4))
STYLES.add(
    ParagraphStyle("LetterheadText", parent=STYLES["Normal"], alignment=TA_CENTER, leading=13)
)


def escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def qr_code(data: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(data)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def document_language() -> str:
    """Return the language official documents are written in (Indonesian by default)."""
    return getattr(settings, "KENANGA_DOCUMENT_LANGUAGE", "id")


def official_document(view):
    """Render a view's document in the document language, not the reader's screen language."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(document_language()):
            return view(request, *args, **kwargs)

    return wrapped


def long_date(value: dt.date) -> str:
    """Return a date as letters write it: `1 Desember 2026` (in the document language)."""
    with translation.override(document_language()):
        return formats.date_format(value, "j F Y")


def place_and_date(org, value: dt.date | None = None) -> str:
    """Return the place and date written above a signature: `Sragen, 1 Desember 2026`."""
    value = value or timezone.localdate()
    place = (getattr(org, "city", "") or "").strip() if org else ""
    return f"{place}, {long_date(value)}" if place else long_date(value)


def _image(field, size: float):
    if not field:
        return None
    try:
        with field.open("rb") as fh:
            return Image(io.BytesIO(fh.read()), width=size, height=size, kind="proportional")
    except (OSError, ValueError):
        return None


def letterhead(org) -> list:
    """Return the flowables of the letterhead (kop surat).

    As an Indonesian office prints it: the regency emblem on the left, the
    organisation's name and address centred, its logo on the right, and the
    customary double rule (a thick line over a thin one) below.
    """
    lines = [f"<font size=14><b>{escape(org.name).upper()}</b></font>"]
    if org.address:
        lines.append(escape(org.address).replace("\n", "<br/>"))
    extra = " · ".join(
        x
        for x in (
            f"Telp. {escape(org.phone)}" if org.phone else "",
            escape(org.email),
            f"NPWP {escape(org.npwp)}" if org.npwp else "",
            f"Izin PUB {escape(org.pub_permit_number)}" if org.pub_permit_number else "",
        )
        if x
    )
    if extra:
        lines.append(f"<font size=8>{extra}</font>")
    text = Paragraph("<br/>".join(lines), STYLES["LetterheadText"])
    emblem = _image(getattr(org, "emblem", None), 20 * mm)
    logo = _image(org.logo, 20 * mm)
    table = Table([[emblem or "", text, logo or ""]], colWidths=[24 * mm, None, 24 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, 0), "LEFT"),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [
        table,
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=1, spaceAfter=2),
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=1.2, spaceAfter=0),
        Spacer(1, 6 * mm),
    ]


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
    numeric = set(numeric_columns)

    def style(col: int):
        # Amounts line up on the right, as an accountant reads them.
        return STYLES["SmallRight"] if col in numeric else STYLES["Small"]

    body = [[Paragraph(f"<b>{escape(h)}</b>", style(i)) for i, h in enumerate(header)]]
    for row in rows:
        body.append([Paragraph(escape(c), style(i)) for i, c in enumerate(row)])
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
    pagesize=A4,
) -> bytes:
    """Build a PDF (A4 unless `pagesize` says otherwise, e.g. landscape(A4) for wide
    tables) with letterhead, the given flowables and page numbers."""
    with translation.override(document_language()):
        return _render_pdf(
            title=title,
            story=story,
            org=org,
            subject=subject,
            footer_note=footer_note,
            pagesize=pagesize,
        )


def _render_pdf(*, title, story, org, subject, footer_note, pagesize) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
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
    printed_label, page_label = translation.gettext("Dicetak"), translation.gettext("Halaman")

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(20 * mm, 10 * mm, f"{footer_note}  {printed_label} {printed}".strip())
        canvas.drawRightString(pagesize[0] - 20 * mm, 10 * mm, f"{page_label} {document.page}")
        canvas.restoreState()

    flowables = letterhead(org) if org else []
    if title:
        flowables.append(Paragraph(escape(title), STYLES["DocTitle"]))
    flowables += story() if callable(story) else story
    doc.build(flowables, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """Answer with a PDF named `filename` (with or without `.pdf`: it is added once)."""
    if filename.lower().endswith(".pdf"):
        filename = filename[:-4]
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    return response
