"""The payment order (SPM) the treasurer signs and the handover record (BAST) the payee signs.

Both are Indonesian whatever the clerk's language, on the letterhead, with a
QR code to the public check page; that page shows nothing personal.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from core.money import format_rupiah, terbilang
from core.organisation import get_organisation
from core.pdf import STYLES, data_table, escape, qr_code, render_pdf, signature_block


def _check_url(req, request=None) -> str:
    path = reverse("disbursements:public_check", kwargs={"token": req.check_token})
    return request.build_absolute_uri(path) if request is not None else path


def _date(day) -> str:
    return formats.date_format(day, "j F Y")


def _header(req, request) -> list:
    details = Paragraph(
        "<br/>".join(
            [
                f"Nomor: <b>{escape(req.number)}</b>",
                f"Program: {escape(req.programme.name)}",
                f"Dana: {escape(req.fund.name)}",
                f"Desa: {escape(req.household.village.name)} ({escape(req.desa)})",
            ]
        ),
        STYLES["Normal"],
    )
    return [Table([[details, qr_code(_check_url(req, request))]], colWidths=[135 * mm, 35 * mm])]


def spm_pdf(req, *, request=None) -> bytes:
    """Return the payment order: what to pay, to whom, from which fund, signed by the treasurer."""
    org = get_organisation()
    with translation.override("id"):
        today = _date(timezone.localdate())
        rows = [
            ["Penerima pembayaran", f"{req.payee_name} ({req.get_payee_kind_display()})"],
            ["Jumlah disetujui", format_rupiah(req.amount)],
            ["Terbilang", terbilang(req.amount)],
            ["Sudah dibayar", format_rupiah(req.paid_amount)],
            ["Sisa", format_rupiah(req.remaining)],
        ]
        payments = [
            [_date(p.date), p.get_method_display(), p.stage_note or "-", format_rupiah(p.amount)]
            for p in req.payments.all()
        ]
        approvers = [
            ("Pemohon", str(req.requested_by), ""),
            ("Bendahara", org.treasurer_signatory_name or str(req.approved_by or ""), ""),
        ]
        if req.second_approved_by_id:
            approvers.append(
                (
                    org.signatory_title or "Kepala UPT",
                    org.signatory_name or str(req.second_approved_by),
                    "",
                )
            )
        story = [
            *_header(req, request),
            Spacer(1, 4 * mm),
            data_table(["Uraian", "Isi"], rows, col_widths=[50 * mm, 120 * mm]),
            Spacer(1, 4 * mm),
        ]
        if payments:
            story += [
                Paragraph("Pembayaran", STYLES["Normal"]),
                data_table(["Tanggal", "Cara", "Tahap", "Jumlah"], payments, numeric_columns=[3]),
                Spacer(1, 4 * mm),
            ]
        story.append(signature_block(approvers, place_date=today))
        return render_pdf(
            title="SURAT PERINTAH MEMBAYAR (SPM)",
            story=story,
            org=org,
            subject=req.number,
            footer_note=f"SPM {req.number}",
        )


def bast_pdf(req, *, request=None) -> bytes:
    """Return the handover record the household or payee signs on delivery."""
    org = get_organisation()
    with translation.override("id"):
        today = _date(timezone.localdate())
        text = (
            f"Pada hari ini, {escape(today)}, telah diserahkan bantuan <b>{escape(req.programme.name)}</b> "
            f"senilai <b>{escape(format_rupiah(req.amount))}</b> ({escape(terbilang(req.amount))}) "
            f"dari {escape(org.name)} kepada {escape(req.payee_name)} "
            f"({escape(req.get_payee_kind_display())}) untuk rumah tangga penerima di "
            f"Desa {escape(req.household.village.name)}."
        )
        story = [
            *_header(req, request),
            Spacer(1, 4 * mm),
            Paragraph(text, STYLES["Normal"]),
            Spacer(1, 10 * mm),
            signature_block(
                [
                    ("Yang menerima", req.payee_name, ""),
                    ("Yang menyerahkan", org.treasurer_signatory_name or "", ""),
                ],
                place_date=today,
            ),
        ]
        return render_pdf(
            title="BERITA ACARA SERAH TERIMA (BAST)",
            story=story,
            org=org,
            subject=req.number,
            footer_note=f"BAST {req.number}",
        )
