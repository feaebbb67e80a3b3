"""Writes of the CSR partner portal: partners, pledges, transfers, goods in kind, reminders.

Every transition is one service that locks the row, checks the state and the
actor, saves, audits and posts to the ledger in one database transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log, snapshot
from core.money import format_rupiah
from core.money import quantize as money_quantize
from core.roles import Role
from core.services import user_roles_set
from core.uploads import stored_file_save
from donors import ledger
from donors.errors import DonorError
from donors.models import (
    Contribution,
    Donor,
    GoodsHandover,
    GoodsHandoverPhoto,
    GoodsItem,
    Instalment,
    Partner,
    Pledge,
    TransferProof,
    npwp_digits,
)

AREA_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
DOCUMENT_KINDS = ("pdf", "jpeg", "png")
HANDOVER_PHOTOS_MAX = 4


def npwp_validate(value: str) -> str:
    """Return the NPWP's digits: 15 (old form `01.234.567.8-901.000`) or 16 (NIK-based, 2024)."""
    digits = npwp_digits(value)
    stray = re.sub(r"[\d.\-\s]", "", value or "")
    if stray or len(digits) not in (15, 16) or set(digits) == {"0"}:
        raise DonorError(
            _("NPWP tidak sah: tulis 15 angka (01.234.567.8-901.000) atau 16 angka (NPWP baru).")
        )
    return digits


def _store(upload, *, purpose: str, actor, label: str):
    try:
        return stored_file_save(upload=upload, purpose=purpose, allowed=DOCUMENT_KINDS, actor=actor)
    except ValidationError as exc:
        raise DonorError(f"{label}: {' '.join(exc.messages)}") from exc


def _store_photo(upload, *, actor):
    try:
        return stored_file_save(
            upload=upload, purpose="csr-goods-handover", allowed=("jpeg", "png"), actor=actor
        )
    except ValidationError as exc:
        raise DonorError(_("Foto penyerahan: %(e)s") % {"e": " ".join(exc.messages)}) from exc


def _is_manager(actor) -> bool:
    return bool(getattr(actor, "roles", frozenset()) & {Role.FUND_MANAGER, Role.ADMIN})


def _own_partner(actor, partner: Partner) -> bool:
    return getattr(actor, "pk", None) is not None and partner.user_id == actor.pk


# --- Partners --------------------------------------------------------------------------------
@transaction.atomic
def partner_register(
    *,
    user,
    legal_name: str,
    npwp: str,
    contact_name: str,
    contact_phone: str = "",
    document=None,
) -> Partner:
    """Register a company that signed up: its donor record, the CSR partner role, pending check."""
    legal_name = (legal_name or "").strip()
    contact_name = (contact_name or "").strip()
    if not legal_name or not contact_name:
        raise DonorError(_("Nama badan hukum dan narahubung wajib diisi."))
    digits = npwp_validate(npwp)
    if Partner.objects.filter(npwp=digits).exists():
        raise DonorError(_("Perusahaan dengan NPWP ini sudah terdaftar."))
    if document is None:
        raise DonorError(_("Unggah akta/NIB perusahaan (PDF atau gambar)."))
    stored = _store(document, purpose="csr-partner", actor=user, label=_("Dokumen perusahaan"))
    donor = Donor.objects.create(
        kind=Donor.Kind.COMPANY,
        name=legal_name,
        npwp=digits,
        email=user.email,
        phone=contact_phone,
        # Companies are listed by name in public (domain.md); they agree by signing up.
        display=Donor.Display.NAMED,
        name_consent_on=timezone.localdate(),
        user=None,
    )
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                donor=donor,
                user=user,
                legal_name=legal_name,
                npwp=digits,
                contact_name=contact_name,
                contact_phone=contact_phone,
                document=stored,
            )
    except IntegrityError:
        raise DonorError(_("Perusahaan dengan NPWP ini sudah terdaftar.")) from None
    user_roles_set(user=user, roles=[Role.CSR_PARTNER], actor=user)
    audit_log(
        partner,
        "donors.partner.registered",
        actor=user,
        changes=snapshot(partner, ["legal_name", "npwp", "contact_name"]),
    )
    return partner


@transaction.atomic
def partner_verify(*, partner: Partner, approve: bool, note: str = "", actor) -> Partner:
    """Let a fund manager verify (or reject) a company; only then do its pledges count."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if not _is_manager(actor):
        raise DonorError(_("Hanya pengelola dana yang dapat memverifikasi mitra."))
    if partner.status != Partner.Status.PENDING:
        raise DonorError(_("Mitra ini sudah diputuskan."))
    if not approve and not note.strip():
        raise DonorError(_("Alasan penolakan wajib diisi."))
    partner.status = Partner.Status.VERIFIED if approve else Partner.Status.REJECTED
    partner.status_note = note.strip()
    partner.verified_by, partner.verified_at = actor, timezone.now()
    partner.save(update_fields=["status", "status_note", "verified_by", "verified_at"])
    audit_log(
        partner,
        "donors.partner.verified" if approve else "donors.partner.rejected",
        actor=actor,
        changes={"status": ["pending", partner.status], "note": partner.status_note},
    )
    return partner


# --- Pledges ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class GoodsLine:
    description: str
    quantity: int
    unit_value: Decimal
    delivery_date: dt.date


def _check_schedule(total: Decimal, schedule: list[tuple[dt.date, Decimal]]) -> None:
    if not schedule:
        raise DonorError(_("Janji uang membutuhkan jadwal cicilan (paling sedikit satu)."))
    dates = [d for d, _a in schedule]
    if len(set(dates)) != len(dates):
        raise DonorError(_("Dua cicilan tidak boleh jatuh tempo pada tanggal yang sama."))
    if any(a is None or a <= 0 for _d, a in schedule):
        raise DonorError(_("Setiap cicilan harus lebih dari nol."))
    scheduled = sum((a for _d, a in schedule), Decimal("0"))
    if scheduled != total:
        raise DonorError(
            _("Jumlah cicilan %(sum)s tidak sama dengan nilai janji %(total)s.")
            % {"sum": format_rupiah(scheduled), "total": format_rupiah(total)}
        )


def _check_goods(total: Decimal, goods: list[GoodsLine]) -> None:
    if not goods:
        raise DonorError(_("Janji barang membutuhkan paling sedikit satu barang."))
    for line in goods:
        if not line.description.strip() or line.quantity <= 0 or line.unit_value <= 0:
            raise DonorError(_("Setiap barang perlu nama, jumlah dan nilai satuan lebih dari nol."))
    valued = sum((g.unit_value * g.quantity for g in goods), Decimal("0"))
    if valued != total:
        raise DonorError(
            _("Nilai barang %(sum)s tidak sama dengan nilai janji %(total)s.")
            % {"sum": format_rupiah(valued), "total": format_rupiah(total)}
        )


def _check_earmark(programme: str, area: str) -> None:
    if programme:
        try:
            ledger.programme_check(code=programme)
        except ledger.LedgerError as exc:
            raise DonorError(str(exc)) from exc
    if area and not AREA_CODE.match(area):
        raise DonorError(_("Kode wilayah Kemendagri tidak sah (contoh: 33.14 atau 33.14.05)."))


@transaction.atomic
def pledge_create(
    *,
    partner: Partner,
    kind: str,
    title: str,
    total_amount: Decimal,
    actor,
    programme: str = "",
    area: str = "",
    agreement_number: str = "",
    agreement_document=None,
    schedule: list[tuple[dt.date, Decimal]] | None = None,
    goods: list[GoodsLine] | None = None,
) -> Pledge:
    """Draft a pledge of cash (with its instalment schedule) or goods (with their values)."""
    if not (_own_partner(actor, partner) or _is_manager(actor)):
        raise DonorError(_("Janji hanya dapat dibuat oleh mitra itu sendiri."))
    if partner.status == Partner.Status.REJECTED:
        raise DonorError(_("Mitra ini ditolak; janji tidak dapat dibuat."))
    if total_amount is None or total_amount <= 0:
        raise DonorError(_("Nilai janji harus lebih dari nol."))
    if total_amount != total_amount.quantize(Decimal("0.01")):
        raise DonorError(_("Nilai janji paling banyak dua angka di belakang koma."))
    if not (title or "").strip():
        raise DonorError(_("Judul janji wajib diisi."))
    programme, area = (programme or "").strip(), (area or "").strip()
    _check_earmark(programme, area)
    if kind == Pledge.Kind.CASH:
        _check_schedule(total_amount, schedule or [])
    elif kind == Pledge.Kind.GOODS:
        _check_goods(total_amount, goods or [])
    else:
        raise DonorError(_("Jenis janji tidak dikenal."))
    stored = None
    if agreement_document is not None:
        stored = _store(agreement_document, purpose="csr-pledge", actor=actor, label=_("PKS/MoU"))
    pledge = Pledge.objects.create(
        partner=partner,
        kind=kind,
        title=title.strip(),
        total_amount=total_amount,
        programme=programme,
        area=area,
        agreement_number=(agreement_number or "").strip(),
        agreement_document=stored,
    )
    if kind == Pledge.Kind.CASH:
        Instalment.objects.bulk_create(
            Instalment(pledge=pledge, due_date=d, amount=a) for d, a in sorted(schedule)
        )
    else:
        GoodsItem.objects.bulk_create(
            GoodsItem(
                pledge=pledge,
                description=g.description.strip(),
                quantity=g.quantity,
                unit_value=g.unit_value,
                delivery_date=g.delivery_date,
            )
            for g in goods
        )
    audit_log(
        pledge,
        "donors.pledge.created",
        actor=actor,
        changes=snapshot(pledge, ["kind", "title", "total_amount", "programme", "area"]),
    )
    return pledge


def _lock(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().select_related("partner").get(pk=pledge.pk)


@transaction.atomic
def pledge_submit(*, pledge: Pledge, actor) -> Pledge:
    """Send a draft pledge to the fund manager."""
    pledge = _lock(pledge)
    if not _own_partner(actor, pledge.partner):
        raise DonorError(_("Hanya mitra pemilik janji yang dapat mengajukannya."))
    if pledge.status != Pledge.Status.DRAFT:
        raise DonorError(_("Hanya janji berstatus draf yang dapat diajukan."))
    if not pledge.agreement_number:
        raise DonorError(_("Isi nomor PKS/MoU sebelum mengajukan janji."))
    pledge.status, pledge.submitted_at = Pledge.Status.SUBMITTED, timezone.now()
    pledge.save(update_fields=["status", "submitted_at"])
    audit_log(
        pledge, "donors.pledge.submitted", actor=actor, changes={"status": ["draft", "submitted"]}
    )
    return pledge


@transaction.atomic
def pledge_accept(*, pledge: Pledge, actor, fund=None) -> Pledge:
    """Accept a submitted pledge; earmarked money gets its own restricted fund."""
    pledge = _lock(pledge)
    if not _is_manager(actor):
        raise DonorError(_("Hanya pengelola dana yang dapat menerima janji."))
    if pledge.status != Pledge.Status.SUBMITTED:
        raise DonorError(_("Hanya janji yang diajukan dapat diterima."))
    if pledge.partner.status != Partner.Status.VERIFIED:
        raise DonorError(
            _("Verifikasi perusahaan dulu: janji mitra yang belum terverifikasi tidak dihitung.")
        )
    if pledge.kind == Pledge.Kind.CASH:
        if pledge.is_earmarked:
            try:
                fund = ledger.fund_create(
                    code=f"csr-{pledge.pk}",
                    name=_("CSR %(p)s: %(t)s")
                    % {"p": pledge.partner.legal_name, "t": pledge.title},
                    restriction=ledger.Fund.Restriction.RESTRICTED,
                    purpose=pledge.title,
                    allowed_programmes=[pledge.programme] if pledge.programme else [],
                    allowed_areas=[pledge.area] if pledge.area else [],
                    actor=actor,
                )
            except ledger.LedgerError as exc:
                raise DonorError(str(exc)) from exc
        elif fund is None:
            raise DonorError(_("Pilih dana penerima untuk janji tanpa pembatasan."))
        elif fund.is_restricted:
            raise DonorError(_("Janji tanpa pembatasan masuk ke dana tanpa pembatasan."))
    pledge.fund = fund
    pledge.status, pledge.accepted_by, pledge.accepted_at = (
        Pledge.Status.ACCEPTED,
        actor,
        timezone.now(),
    )
    pledge.save(update_fields=["fund", "status", "accepted_by", "accepted_at"])
    audit_log(
        pledge,
        "donors.pledge.accepted",
        actor=actor,
        changes={"status": ["submitted", "accepted"], "fund": fund.code if fund else None},
    )
    return pledge


@transaction.atomic
def pledge_cancel(*, pledge: Pledge, reason: str, actor) -> Pledge:
    """Cancel a pledge that has received nothing yet, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DonorError(_("Alasan pembatalan wajib diisi."))
    pledge = _lock(pledge)
    if not (_own_partner(actor, pledge.partner) or _is_manager(actor)):
        raise DonorError(_("Anda tidak dapat membatalkan janji ini."))
    if pledge.status in (Pledge.Status.CANCELLED, Pledge.Status.FULFILLED):
        raise DonorError(_("Janji ini sudah selesai atau dibatalkan."))
    if pledge.received_amount > 0:
        raise DonorError(_("Janji yang sudah menerima uang atau barang tidak dapat dibatalkan."))
    before = pledge.status
    pledge.status, pledge.cancel_reason = Pledge.Status.CANCELLED, reason
    pledge.save(update_fields=["status", "cancel_reason"])
    audit_log(
        pledge,
        "donors.pledge.cancelled",
        actor=actor,
        changes={"status": [before, "cancelled"], "reason": reason},
    )
    return pledge


def pledge_receivable(pledge: Pledge) -> None:
    """Raise unless money or goods may be received against `pledge` now."""
    if pledge.status not in (Pledge.Status.ACCEPTED, Pledge.Status.PARTLY_FULFILLED):
        raise DonorError(_("Hanya janji yang sudah diterima pengelola dapat dibayar."))


def pledge_apply(*, pledge: Pledge, amount: Decimal, actor) -> Pledge:
    """Count `amount` (+ received, - reversed) towards a pledge and its instalments, in due order.

    Called inside the booking service's transaction, with the pledge row locked here.
    """
    pledge = _lock(pledge)
    new_total = pledge.received_amount + amount
    if new_total > pledge.total_amount:
        raise DonorError(
            _("Pembayaran melebihi sisa janji (%(rest)s).")
            % {"rest": format_rupiah(pledge.outstanding)}
        )
    if new_total < 0:
        raise DonorError(_("Pembalikan melebihi yang diterima janji."))
    pledge.received_amount = new_total
    if pledge.status != Pledge.Status.CANCELLED:
        pledge.status = (
            Pledge.Status.FULFILLED
            if new_total == pledge.total_amount
            else Pledge.Status.PARTLY_FULFILLED
            if new_total > 0
            else Pledge.Status.ACCEPTED
        )
    pledge.save(update_fields=["received_amount", "status"])
    if pledge.kind == Pledge.Kind.CASH:
        # Instalments are paid oldest first: the schedule is re-spread from the total.
        left = new_total
        for inst in (
            Instalment.objects.select_for_update().filter(pledge=pledge).order_by("due_date")
        ):
            paid = min(inst.amount, left)
            left -= paid
            if paid != inst.paid_amount:
                inst.paid_amount = paid
                inst.save(update_fields=["paid_amount"])
    audit_log(
        pledge,
        "donors.pledge.received",
        actor=actor,
        changes={"amount": amount, "received": new_total, "status": pledge.status},
    )
    return pledge


# --- Bank transfers with proof -----------------------------------------------------------------
@transaction.atomic
def transfer_submit(
    *, pledge: Pledge, amount: Decimal, transferred_on: dt.date, proof, actor
) -> TransferProof:
    """Record a partner's transfer with its proof (image or PDF); money counts once confirmed."""
    pledge = _lock(pledge)
    if not _own_partner(actor, pledge.partner):
        raise DonorError(_("Hanya mitra pemilik janji yang dapat mengirim bukti transfer."))
    if pledge.kind != Pledge.Kind.CASH:
        raise DonorError(_("Janji barang tidak dibayar dengan transfer."))
    pledge_receivable(pledge)
    if amount is None or amount <= 0 or amount > pledge.outstanding:
        raise DonorError(
            _("Jumlah transfer harus lebih dari nol dan paling banyak sisa janji %(rest)s.")
            % {"rest": format_rupiah(pledge.outstanding)}
        )
    if transferred_on > timezone.localdate():
        raise DonorError(_("Tanggal transfer tidak boleh di masa depan."))
    stored = _store(proof, purpose="csr-transfer-proof", actor=actor, label=_("Bukti transfer"))
    transfer = TransferProof.objects.create(
        pledge=pledge,
        amount=amount,
        transferred_on=transferred_on,
        proof=stored,
        submitted_by=actor,
    )
    audit_log(
        transfer,
        "donors.transfer.submitted",
        actor=actor,
        changes={"amount": amount, "transferred_on": transferred_on},
    )
    return transfer


@transaction.atomic
def transfer_confirm(*, transfer: TransferProof, location, actor) -> TransferProof:
    """Confirm a transfer seen on the bank statement: book the gift, issue the receipt."""
    from donors.services import gift_record

    transfer = (
        TransferProof.objects.select_for_update().select_related("pledge").get(pk=transfer.pk)
    )
    if not _is_manager(actor):
        raise DonorError(_("Hanya pengelola dana yang dapat mengonfirmasi transfer."))
    if transfer.status != TransferProof.Status.SUBMITTED:
        raise DonorError(_("Bukti transfer ini sudah diputuskan."))
    if transfer.submitted_by_id == actor.pk:
        raise DonorError(_("Pengirim bukti tidak boleh mengonfirmasinya sendiri."))
    pledge = transfer.pledge
    pledge_receivable(pledge)
    contribution = gift_record(
        donor=pledge.partner.donor,
        fund=pledge.fund,
        location=location,
        amount=transfer.amount,
        date=transfer.transferred_on,
        channel=Contribution.Channel.TRANSFER,
        actor=actor,
        proof_file=transfer.proof,
        note=_("Janji CSR: %(t)s") % {"t": pledge.title},
    )
    Contribution.objects.filter(pk=contribution.pk).update(pledge=pledge)
    pledge_apply(pledge=pledge, amount=transfer.amount, actor=actor)
    transfer.status, transfer.contribution, transfer.decided_by = (
        TransferProof.Status.CONFIRMED,
        contribution,
        actor,
    )
    transfer.save(update_fields=["status", "contribution", "decided_by"])
    audit_log(
        transfer,
        "donors.transfer.confirmed",
        actor=actor,
        changes={"contribution": contribution.pk},
    )
    return transfer


@transaction.atomic
def transfer_reject(*, transfer: TransferProof, reason: str, actor) -> TransferProof:
    reason = (reason or "").strip()
    if not reason:
        raise DonorError(_("Alasan penolakan wajib diisi."))
    transfer = TransferProof.objects.select_for_update().get(pk=transfer.pk)
    if not _is_manager(actor):
        raise DonorError(_("Hanya pengelola dana yang dapat menolak bukti transfer."))
    if transfer.status != TransferProof.Status.SUBMITTED:
        raise DonorError(_("Bukti transfer ini sudah diputuskan."))
    transfer.status, transfer.note, transfer.decided_by = (
        TransferProof.Status.REJECTED,
        reason,
        actor,
    )
    transfer.save(update_fields=["status", "note", "decided_by"])
    audit_log(transfer, "donors.transfer.rejected", actor=actor, changes={"reason": reason})
    return transfer


# --- Goods in kind ----------------------------------------------------------------------------
@transaction.atomic
def goods_receive(
    *, item: GoodsItem, bast_number: str, received_on: dt.date, valuation: Decimal, actor
) -> GoodsItem:
    """Register goods received under a handover record (BAST) at their valuation.

    Goods live in the in-kind register, never in a cash fund.
    """
    item = GoodsItem.objects.select_for_update().select_related("pledge").get(pk=item.pk)
    if not _is_manager(actor):
        raise DonorError(_("Hanya pengelola dana yang dapat mencatat penerimaan barang."))
    if item.status != GoodsItem.Status.PLEDGED:
        raise DonorError(_("Barang ini sudah diterima."))
    pledge_receivable(item.pledge)
    if not (bast_number or "").strip():
        raise DonorError(_("Nomor BAST penerimaan wajib diisi."))
    if valuation is None or valuation <= 0:
        raise DonorError(_("Nilai taksiran barang harus lebih dari nol."))
    if received_on > timezone.localdate():
        raise DonorError(_("Tanggal terima tidak boleh di masa depan."))
    item.status, item.bast_number = GoodsItem.Status.RECEIVED, bast_number.strip()
    item.received_on, item.valuation = received_on, valuation
    item.save(update_fields=["status", "bast_number", "received_on", "valuation"])
    # The pledge counts what was promised for this line, not the later valuation.
    pledge_apply(pledge=item.pledge, amount=item.total_value, actor=actor)
    audit_log(
        item,
        "donors.goods.received",
        actor=actor,
        changes={"bast": item.bast_number, "valuation": valuation, "received_on": received_on},
    )
    return item


def _handover_value(item: GoodsItem, quantity: int) -> Decimal:
    """Return the valuation of `quantity` units; the last hand-on takes what rounding left."""
    if quantity == item.quantity_left:
        handed = sum((h.valuation for h in item.handovers.all()), Decimal("0"))
        return item.valuation - handed
    return money_quantize(item.valuation * quantity / item.quantity)


@transaction.atomic
def goods_hand_on(
    *,
    item: GoodsItem,
    quantity: int,
    bast_number: str,
    date: dt.date,
    actor,
    household=None,
    programme: str = "",
    facility_name: str = "",
    desa: str = "",
    photos=(),
) -> GoodsHandover:
    """Hand part or all of a received goods line on, with its own BAST and photos.

    To a verified household (an in-kind disbursement record, no cash posting) or
    to a public facility in a desa. The item row is locked, so two hand-ons at
    once never give away more than was received; the database refuses it too.
    """
    from disbursements.errors import DisbursementError
    from disbursements.services import inkind_delivery_record

    if not _is_manager(actor):
        raise DonorError(_("Hanya pengelola dana yang dapat mencatat penyerahan barang."))
    item = GoodsItem.objects.select_for_update().select_related("pledge").get(pk=item.pk)
    if item.status == GoodsItem.Status.PLEDGED or item.valuation is None:
        raise DonorError(_("Hanya barang yang sudah diterima dapat diserahkan."))
    if not isinstance(quantity, int) or quantity <= 0:
        raise DonorError(_("Jumlah yang diserahkan harus lebih dari nol."))
    if quantity > item.quantity_left:
        raise DonorError(
            _("Jumlah melebihi sisa barang yang diterima (%(left)s).")
            % {"left": item.quantity_left}
        )
    bast_number = (bast_number or "").strip()
    if not bast_number:
        raise DonorError(_("Nomor BAST penyerahan wajib diisi."))
    if GoodsHandover.objects.filter(bast_number=bast_number).exists():
        raise DonorError(_("Nomor BAST ini sudah dipakai."))
    if date is None or date < item.received_on or date > timezone.localdate():
        raise DonorError(_("Tanggal penyerahan harus antara tanggal terima dan hari ini."))
    if len(photos) > HANDOVER_PHOTOS_MAX:
        raise DonorError(_("Paling banyak %(n)s foto per penyerahan.") % {"n": HANDOVER_PHOTOS_MAX})
    valuation = _handover_value(item, quantity)
    if valuation <= 0:
        # A part of goods valued at less than one sen: hand on more units at once.
        raise DonorError(
            _("Nilai taksiran %(n)s unit ini kurang dari Rp0,01: serahkan lebih banyak unit.")
            % {"n": quantity}
        )
    handover = GoodsHandover(
        item=item,
        quantity=quantity,
        valuation=valuation,
        bast_number=bast_number,
        date=date,
        created_by=actor,
    )
    if household is not None:
        if facility_name.strip():
            raise DonorError(_("Pilih rumah tangga atau fasilitas umum, bukan keduanya."))
        try:
            handover.delivery = inkind_delivery_record(
                household=household,
                programme_code=programme,
                description=item.description,
                quantity=quantity,
                valuation=valuation,
                delivered_on=date,
                reference=item,
                actor=actor,
            )
        except DisbursementError as exc:
            raise DonorError(exc.message) from exc
        handover.recipient_kind = GoodsHandover.Recipient.HOUSEHOLD
        handover.desa = handover.delivery.desa
    else:
        facility_name = (facility_name or "").strip()
        if not facility_name:
            raise DonorError(_("Pilih rumah tangga penerima atau tulis nama fasilitas umum."))
        handover.recipient_kind = GoodsHandover.Recipient.FACILITY
        handover.facility_name, handover.desa = facility_name[:200], _desa_check(desa)
    try:
        with transaction.atomic():
            handover.save()
    except IntegrityError:
        raise DonorError(_("Nomor BAST ini sudah dipakai.")) from None
    for photo in photos:
        GoodsHandoverPhoto.objects.create(
            handover=handover, stored=_store_photo(photo, actor=actor)
        )
    item.handed_on_quantity += quantity
    if item.handed_on_quantity == item.quantity:
        item.status = GoodsItem.Status.HANDED_ON
    item.save(update_fields=["handed_on_quantity", "status"])
    audit_log(
        handover,
        "donors.goods.handed_on",
        actor=actor,
        changes={
            "item": item.pk,
            "quantity": quantity,
            "valuation": valuation,
            "to": handover.recipient_kind,
            "delivery": handover.delivery_id,
            "facility": handover.facility_name,
            "desa": handover.desa,
            "bast": bast_number,
            "photos": len(photos),
        },
    )
    return handover


def _desa_check(code: str) -> str:
    """Return the village code if it is a desa/kelurahan of the organisation's regency."""
    from beneficiaries.models import Region
    from beneficiaries.services import region_code_dotted
    from core.organisation import get_organisation

    code = region_code_dotted((code or "").strip()) if code else ""
    regency = region_code_dotted(get_organisation().region_code or "")[:5]
    village = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
    if village is None or (regency and not code.startswith(regency + ".")):
        raise DonorError(_("Pilih desa/kelurahan fasilitas dari daftar wilayah kabupaten."))
    return code


# --- Reminders -------------------------------------------------------------------------------
def instalments_due(*, today: dt.date, within_days: int = 7):
    """Return unpaid instalments of live pledges due within `within_days` or overdue."""
    from django.db.models import F

    return (
        Instalment.objects.filter(
            pledge__status__in=[Pledge.Status.ACCEPTED, Pledge.Status.PARTLY_FULFILLED],
            due_date__lte=today + dt.timedelta(days=within_days),
            paid_amount__lt=F("amount"),
        )
        .select_related("pledge__partner__user")
        .order_by("due_date", "pk")
    )


def instalment_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail each partner its instalments due soon or overdue, once a day; return mails sent.

    Safe to run twice a day, and twice at the same moment (beat and the cron
    timer): an instalment reminded today is skipped, and each partner's
    instalments are locked while its mail is sent and they are marked.
    """
    from django.core.mail import send_mail

    today = today or timezone.localdate()
    sent = 0
    waiting = instalments_due(today=today).exclude(reminded_on=today)
    partner_ids = sorted(set(waiting.values_list("pledge__partner_id", flat=True)))
    for partner_id in partner_ids:
        with transaction.atomic():
            # A run started at the same moment waits on these rows, then reads
            # them again (PostgreSQL re-checks the filter) and finds them reminded.
            items = list(
                waiting.filter(pledge__partner_id=partner_id).select_for_update(of=("self",))
            )
            if not items:
                continue
            partner = items[0].pledge.partner
            lines = [
                _("- %(title)s: %(amount)s jatuh tempo %(due)s%(late)s")
                % {
                    "title": i.pledge.title,
                    "amount": format_rupiah(i.outstanding),
                    "due": i.due_date.strftime("%d-%m-%Y"),
                    "late": _(" (terlambat)") if i.due_date < today else "",
                }
                for i in items
            ]
            send_mail(
                _("Pengingat cicilan janji CSR"),
                _("Yth. %(name)s,\n\nCicilan berikut jatuh tempo atau terlambat:\n%(lines)s\n")
                % {"name": partner.contact_name, "lines": "\n".join(lines)},
                None,
                [partner.user.email],
            )
            Instalment.objects.filter(pk__in=[i.pk for i in items]).update(reminded_on=today)
            sent += 1
    return sent
