"""The household card and the emergency letter, as PDFs."""

from __future__ import annotations

from django.utils import formats
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from beneficiaries.models import Card, EmergencyLetter, Household, Membership
from core.organisation import get_organisation
from core.pdf import (
    STYLES,
    escape,
    pdf_response,
    place_and_date,
    qr_code,
    render_pdf,
    signature_block,
)

__all__ = ["card_pdf", "letter_pdf", "pdf_response"]


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


def card_pdf(*, card: Card, check_url: str) -> bytes:
    org = get_organisation()
    rows = _identity_rows(card.household) + [
        ["Nomor kartu", card.number],
        ["Tingkat", card.get_grade_display()],
        ["Berlaku", f"{_date(card.valid_from)} s.d. {_date(card.valid_until)}"],
    ]
    story = [
        _body(rows, check_url),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                "Kartu ini berlaku satu tahun dan diperbarui melalui verifikasi ulang. "
                "Keabsahan dapat dicek dengan memindai kode QR."
            ),
            STYLES["Small"],
        ),
        Spacer(1, 8 * mm),
        signature_block([(org.signatory_title or "Kepala", org.signatory_name, org.signatory_nip)]),
    ]
    return render_pdf(title="KARTU KELUARGA MISKIN", story=story, org=org, footer_note=card.number)


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
