"""The household card and the emergency letter, as PDFs."""

from __future__ import annotations

from django.utils import formats
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from beneficiaries.models import Card, EmergencyLetter, Household, Membership
from core.organisation import get_organisation
from core.pdf import STYLES, escape, pdf_response, qr_code, render_pdf, signature_block

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
    org = get_organisation()
    rows = _identity_rows(letter.household) + [
        ["Nomor surat", letter.number],
        ["Alasan", letter.get_reason_display()],
        ["Berlaku", f"{_date(letter.valid_from)} s.d. {_date(letter.valid_until)}"],
    ]
    story = [
        Paragraph(
            escape(
                "Dengan ini kami merekomendasikan keluarga berikut untuk mendapat bantuan "
                "karena keadaan darurat. Surat ini berlaku satu bulan."
            ),
            STYLES["Normal"],
        ),
        Spacer(1, 4 * mm),
        _body(rows, check_url),
        Spacer(1, 8 * mm),
        signature_block(
            [(org.signatory_title or "Kepala", org.signatory_name, org.signatory_nip)],
            place_date=_date(letter.valid_from),
        ),
    ]
    return render_pdf(
        title="SURAT REKOMENDASI KEADAAN DARURAT", story=story, org=org, footer_note=letter.number
    )
