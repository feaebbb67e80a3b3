"""The impact report as a PDF: fit to attach to a company's CSR report, with no personal data."""

from __future__ import annotations

import io

from reportlab.platypus import Paragraph, Spacer

from core.money import format_rupiah
from core.organisation import get_organisation
from core.pdf import STYLES, data_table, escape, render_pdf, signature_block
from donors.csr_selectors import Impact

PHOTO_MAX_PIXELS = 480


def impact_photo_jpeg(stored) -> bytes:
    """Return a small JPEG of a stored photo: pixels only, no EXIF or GPS, re-encoded here."""
    from PIL import Image

    from core.uploads import stored_file_open

    with Image.open(io.BytesIO(stored_file_open(stored))) as image:
        image = image.convert("RGB")
        image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
        out = io.BytesIO()
        # A fresh image saved without `exif=`: nothing of the camera's metadata survives.
        Image.frombytes("RGB", image.size, image.tobytes()).save(
            out, "JPEG", quality=70, optimize=True
        )
    return out.getvalue()


def _photo_rows(impact: Impact) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image as PdfImage
    from reportlab.platypus import Table

    from disbursements.models import Evidence

    ids = {p[k] for p in impact.photos for k in ("before", "after") if p[k]}
    stored = {e.pk: e.stored for e in Evidence.objects.filter(pk__in=ids).select_related("stored")}

    def cell(evidence_id):
        if not evidence_id:
            return Paragraph("-", STYLES["Small"])
        try:
            jpeg = impact_photo_jpeg(stored[evidence_id])
        except FileNotFoundError:
            # Removed under its retention (purge_files): the report still renders.
            return Paragraph("-", STYLES["Small"])
        return PdfImage(
            io.BytesIO(jpeg),
            width=60 * mm,
            height=45 * mm,
            kind="proportional",
        )

    rows = [["Desa (kecamatan), selesai", "Sebelum", "Sesudah"]]
    for photo in impact.photos:
        where = f"{photo['desa']} ({photo['kecamatan']}), {photo['completed_on']:%d-%m-%Y}"
        rows.append(
            [Paragraph(escape(where), STYLES["Small"]), cell(photo["before"]), cell(photo["after"])]
        )
    return [Table(rows, colWidths=[45 * mm, 62 * mm, 62 * mm])]


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
        if impact.photos:
            flow.append(Spacer(1, 8))
            flow.append(
                Paragraph(
                    "<b>Rumah sebelum dan sesudah rehabilitasi</b> (hanya dengan persetujuan "
                    "keluarga untuk mempublikasikan foto)",
                    STYLES["Normal"],
                )
            )
            flow.extend(_photo_rows(impact))
        flow.append(Spacer(1, 6))
        flow.append(
            Paragraph("Laporan ini tidak memuat data pribadi penerima manfaat.", STYLES["Small"])
        )
        return flow

    return render_pdf(title="LAPORAN DAMPAK SUMBANGAN CSR", story=story, org=org, subject=title)


def handover_bast_pdf(handover) -> bytes:
    """Render the handover record (BAST) of goods handed on: valuation, place and date, signatures."""
    from django.utils import translation

    from beneficiaries.models import Region
    from core.money import terbilang
    from core.pdf import place_and_date

    org = get_organisation()
    item = handover.item
    with translation.override("id"):
        village = Region.objects.filter(code=handover.desa).select_related("parent").first()
        where = (
            f"Desa/Kelurahan {village.name}, Kecamatan {village.parent.name}"
            if village and village.parent
            else f"wilayah {handover.desa}"
        )
        if handover.delivery_id:
            receiver_title = "Yang menerima (kepala keluarga)"
            receiver = _household_head(handover.delivery.household_id)
            to = (
                f"rumah tangga penerima (penyaluran barang {handover.delivery.number}, "
                f"program {handover.delivery.programme.name}) di {where}"
            )
        else:
            receiver_title, receiver = "Yang menerima (pengelola fasilitas)", ""
            to = f"fasilitas umum <b>{escape(handover.facility_name)}</b> di {where}"
        text = (
            f"Pada tanggal {escape(place_and_date(None, handover.date))} telah diserahkan barang "
            f"sumbangan <b>{escape(item.description)}</b> sebanyak <b>{handover.quantity}</b> "
            f"unit dengan nilai taksiran <b>{escape(format_rupiah(handover.valuation))}</b> "
            f"({escape(terbilang(handover.valuation))}), berasal dari "
            f"{escape(item.pledge.partner.legal_name)} (BAST penerimaan "
            f"{escape(item.bast_number)}), dari {escape(org.name)} kepada {to}."
        )
        rows = [
            ["Nomor BAST", handover.bast_number],
            ["Barang", item.description],
            ["Jumlah", f"{handover.quantity} dari {item.quantity}"],
            ["Nilai taksiran", format_rupiah(handover.valuation)],
            ["Tanggal serah", place_and_date(None, handover.date)],
        ]
        story = [
            data_table(["Uraian", "Isi"], rows, numeric_columns=[]),
            Spacer(1, 6),
            Paragraph(text, STYLES["Normal"]),
            Spacer(1, 14),
            signature_block(
                [
                    (receiver_title, receiver, ""),
                    ("Yang menyerahkan", org.treasurer_signatory_name or "", ""),
                ],
                place_date=place_and_date(org, handover.date),
            ),
        ]
        return render_pdf(
            title="BERITA ACARA SERAH TERIMA BARANG (BAST)",
            story=story,
            org=org,
            subject=handover.bast_number,
            footer_note=f"BAST {handover.bast_number}",
        )


def _household_head(household_id: int) -> str:
    from beneficiaries.models import Membership

    head = (
        Membership.objects.filter(
            household_id=household_id, ended_on__isnull=True, relation=Membership.Relation.HEAD
        )
        .select_related("person")
        .first()
    )
    return head.person.name if head else ""
