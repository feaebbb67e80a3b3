"""The household card and the emergency letter, as PDFs."""

from __future__ import annotations

import io

from django.utils import formats, translation
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from beneficiaries.models import Card, EmergencyLetter, Household, Membership
from core.organisation import get_organisation
from core.pdf import (
    STYLES,
    document_language,
    escape,
    pdf_response,
    place_and_date,
    qr_code,
    render_pdf,
    signature_block,
)

__all__ = ["card_pdf", "cards_pdf", "letter_pdf", "pdf_response"]


def _date(value) -> str:
    return formats.date_format(value, "j F Y")


def _head_name(household: Household) -> str:
    head = (
        household.memberships.filter(ended_on__isnull=True, relation=Membership.Relation.HEAD)
        .select_related("person")
        .first()
    )
    return head.person.name if head else "-"


def _identity_rows(household: Household) -> list[list]:
    village = household.village
    district = village.parent
    return [
        ["Kepala keluarga", _head_name(household)],
        # The standard PDF fonts have no bullet glyph: mask with asterisks.
        ["Nomor KK", household.kk_masked.replace("•", "*")],
        ["Desa/kelurahan", f"{village.name}, Kec. {district.name if district else '-'}"],
        ["RT/RW", f"{household.rt or '-'}/{household.rw or '-'}"],
    ]


def _body(rows: list[list], check_url: str) -> Table:
    details = Table(
        [
            [Paragraph(escape(a), STYLES["Normal"]), Paragraph(escape(b), STYLES["Normal"])]
            for a, b in rows
        ],
        colWidths=[45 * mm, 85 * mm],
    )
    return Table([[details, qr_code(check_url)]], colWidths=[135 * mm, 35 * mm])


# ID-1, the size of a bank card or KTP (ISO/IEC 7810): 85.6 x 54 mm.
CARD_W, CARD_H = 85.6 * mm, 54 * mm
CARD_GREEN = colors.HexColor("#146c43")
ROWS_PER_PAGE = 4
MARK = 4 * mm  # length of a cut mark


def _members(household: Household) -> list[tuple[str, str, str]]:
    """Return (name, relation, birth year) of the current members, head first."""
    members = household.memberships.filter(ended_on__isnull=True).select_related("person")
    order = {Membership.Relation.HEAD: 0, Membership.Relation.SPOUSE: 1}
    rows = sorted(members, key=lambda m: (order.get(m.relation, 2), m.person.birth_date))
    return [(m.person.name, m.get_relation_display(), f"{m.person.birth_date:%Y}") for m in rows]


def _cut_marks(c, x: float, y: float, w: float, h: float) -> None:
    """Draw the printer's cut marks outside the corners of a card, never on it."""
    c.setLineWidth(0.3)
    c.setStrokeColor(colors.black)
    for cx, dx in ((x, -1), (x + w, 1)):
        for cy, dy in ((y, -1), (y + h, 1)):
            c.line(cx + dx * 1 * mm, cy, cx + dx * (1 * mm + MARK), cy)
            c.line(cx, cy + dy * 1 * mm, cx, cy + dy * (1 * mm + MARK))


def _fit(c, text: str, font: str, size: float, width: float) -> str:
    while text and c.stringWidth(text, font, size) > width:
        text = text[:-2] + "…" if not text.endswith("…") else text[:-2] + "…"
    return text


def _card_front(c, x: float, y: float, card: Card, org, check_url: str) -> None:
    household = card.household
    c.setStrokeColor(colors.grey)
    c.setLineWidth(0.4)
    c.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    # Header band: the organisation and the kind of card.
    c.setFillColor(CARD_GREEN)
    c.roundRect(x, y + CARD_H - 11 * mm, CARD_W, 11 * mm, 3 * mm, stroke=0, fill=1)
    c.rect(x, y + CARD_H - 11 * mm, CARD_W, 4 * mm, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont("Helvetica-Bold", 7.5)
    c.drawString(
        x + 3 * mm,
        y + CARD_H - 5 * mm,
        _fit(c, (org.name or "").upper(), "Helvetica-Bold", 7.5, CARD_W - 6 * mm),
    )
    c.setFont("Helvetica", 6.5)
    c.drawString(x + 3 * mm, y + CARD_H - 9 * mm, "KARTU KELUARGA MISKIN")
    c.setFillColor(colors.black)
    village = household.village
    district = village.parent
    lines = [
        ("Kepala keluarga", _head_name(household)),
        ("Nomor KK", household.kk_masked.replace("•", "*")),
        (
            "Alamat",
            f"RT {household.rt or '-'}/RW {household.rw or '-'}, {village.name}, "
            f"Kec. {district.name if district else '-'}",
        ),
        ("Berlaku s.d.", _date(card.valid_until)),
    ]
    top = y + CARD_H - 15 * mm
    for i, (label, value) in enumerate(lines):
        c.setFont("Helvetica", 5.5)
        c.drawString(x + 3 * mm, top - i * 6.8 * mm, label)
        c.setFont("Helvetica-Bold", 7)
        c.drawString(
            x + 3 * mm, top - i * 6.8 * mm - 2.9 * mm, _fit(c, value, "Helvetica-Bold", 7, 52 * mm)
        )
    # The grade stands out: it is what a school or clinic looks for.
    c.setFillColor(CARD_GREEN)
    c.roundRect(x + 48.6 * mm, y + 3 * mm, 34 * mm, 7 * mm, 1.5 * mm, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont("Helvetica-Bold", 6.5)
    c.drawCentredString(
        x + 65.6 * mm,
        y + 5.5 * mm,
        _fit(c, card.get_grade_display(), "Helvetica-Bold", 6.5, 32 * mm),
    )
    c.setFillColor(colors.black)
    c.setFont("Helvetica", 5.5)
    c.drawString(x + 3 * mm, y + 3 * mm, card.number)
    widget = QrCodeWidget(check_url)
    bx0, by0, bx1, by1 = widget.getBounds()
    size = 22 * mm
    drawing = Drawing(size, size, transform=[size / (bx1 - bx0), 0, 0, size / (by1 - by0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x + CARD_W - size - 2 * mm, y + 14 * mm)


def _card_back(c, x: float, y: float, card: Card, org) -> None:
    c.setStrokeColor(colors.grey)
    c.setLineWidth(0.4)
    c.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    c.setFont("Helvetica-Bold", 7)
    c.drawString(x + 3 * mm, y + CARD_H - 5 * mm, "ANGGOTA KELUARGA")
    c.setLineWidth(0.3)
    c.line(x + 3 * mm, y + CARD_H - 6.5 * mm, x + CARD_W - 3 * mm, y + CARD_H - 6.5 * mm)
    members = _members(card.household)
    shown = members[:7]
    for i, (name, relation, year) in enumerate(shown):
        row_y = y + CARD_H - 10 * mm - i * 3.6 * mm
        c.setFont("Helvetica", 6)
        c.drawString(x + 3 * mm, row_y, f"{i + 1}. " + _fit(c, name, "Helvetica", 6, 40 * mm))
        c.drawString(x + 46 * mm, row_y, _fit(c, relation, "Helvetica", 6, 24 * mm))
        c.drawRightString(x + CARD_W - 3 * mm, row_y, year)
    if len(members) > len(shown):
        c.setFont("Helvetica-Oblique", 5.5)
        c.drawString(x + 3 * mm, y + 13 * mm, f"dan {len(members) - len(shown)} anggota lain")
    c.setFont("Helvetica", 5)
    c.drawString(
        x + 3 * mm, y + 8.5 * mm, "Berlaku satu tahun; diperbarui melalui verifikasi ulang."
    )
    c.drawString(x + 3 * mm, y + 5.5 * mm, "Periksa keaslian: pindai kode QR di muka kartu.")
    signer = org.signatory_name or ""
    c.setFont("Helvetica-Bold", 5.5)
    c.drawRightString(
        x + CARD_W - 3 * mm, y + 2.5 * mm, _fit(c, signer, "Helvetica-Bold", 5.5, 50 * mm)
    )


def cards_pdf(cards: list[tuple[Card, str]]) -> bytes:
    """Print cards at their real size (ID-1), front beside back, four to an A4 sheet.

    Each row is one card: cut out front and back along the marks, fold or
    glue them back to back, and laminate.
    """
    org = get_organisation()
    buffer = io.BytesIO()
    with translation.override(document_language()):
        c = canvas.Canvas(buffer, pagesize=A4)
        c.setTitle("Kartu keluarga miskin")
        c.setAuthor(org.name)
        page_w, page_h = A4
        gap = 8 * mm
        left = (page_w - 2 * CARD_W - gap) / 2
        top = page_h - 18 * mm
        for index, (card, url) in enumerate(cards):
            slot = index % ROWS_PER_PAGE
            if index and slot == 0:
                c.showPage()
            if slot == 0:
                c.setFont("Helvetica", 7)
                c.drawString(
                    left,
                    page_h - 10 * mm,
                    f"{org.name} · Kartu keluarga miskin · potong di tanda sudut, muka dan belakang ditempel berpunggungan",
                )
            y = top - (slot + 1) * CARD_H - slot * gap
            _card_front(c, left, y, card, org, url)
            _card_back(c, left + CARD_W + gap, y, card, org)
            _cut_marks(c, left, y, CARD_W, CARD_H)
            _cut_marks(c, left + CARD_W + gap, y, CARD_W, CARD_H)
        c.showPage()
        c.save()
    return buffer.getvalue()


def card_pdf(*, card: Card, check_url: str) -> bytes:
    """Print one household's card (front and back) on an A4 sheet with cut marks."""
    return cards_pdf([(card, check_url)])


def letter_pdf(*, letter: EmergencyLetter, check_url: str) -> bytes:
    """Render the emergency letter as a letter: number, subject, addressee, body, signature."""
    org = get_organisation()
    head = Table(
        [
            ["Nomor", ":", letter.number, place_and_date(org, letter.valid_from)],
            ["Lampiran", ":", "-", ""],
            [
                "Perihal",
                ":",
                Paragraph("<b>Rekomendasi Bantuan Keadaan Darurat</b>", STYLES["Normal"]),
                "",
            ],
        ],
        colWidths=[22 * mm, 4 * mm, 84 * mm, 60 * mm],
    )
    head.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (3, 0), (3, 0), "RIGHT")])
    )
    rows = _identity_rows(letter.household) + [
        ["Keadaan darurat", letter.get_reason_display()],
        ["Berlaku", f"{_date(letter.valid_from)} s.d. {_date(letter.valid_until)}"],
    ]
    story = [
        head,
        Spacer(1, 6 * mm),
        Paragraph("Kepada Yth.", STYLES["Normal"]),
        Paragraph(f"<b>{escape(letter.addressee)}</b>", STYLES["Normal"]),
        Paragraph("di tempat", STYLES["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph("Dengan hormat,", STYLES["Normal"]),
        Spacer(1, 2 * mm),
        Paragraph(
            escape(
                "Bersama ini kami merekomendasikan keluarga berikut untuk mendapat bantuan "
                "karena mengalami keadaan darurat:"
            ),
            STYLES["Justify"],
        ),
        Spacer(1, 3 * mm),
        _body(rows, check_url),
        Spacer(1, 3 * mm),
        Paragraph("<b>Uraian keadaan</b> (hasil pemeriksaan petugas):", STYLES["Normal"]),
        Paragraph(escape(letter.description).replace("\n", "<br/>"), STYLES["Justify"]),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                "Surat ini berlaku satu bulan sejak tanggal diterbitkan. Keabsahannya dapat "
                "diperiksa dengan memindai kode QR. Atas perhatian dan bantuan Bapak/Ibu, "
                "kami mengucapkan terima kasih."
            ),
            STYLES["Justify"],
        ),
        Spacer(1, 8 * mm),
        signature_block([(org.signatory_title or "Kepala", org.signatory_name, org.signatory_nip)]),
    ]
    return render_pdf(title="", story=story, org=org, footer_note=letter.number)
