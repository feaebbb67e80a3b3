"""Every change to a request for help: ask, check, approve, pay, prove, close, cancel, correct.

Locking order, the same everywhere: the household row (asking), then the
request row, then the ledger's own order (commitment, accounts, chain head).
The household lock serialises two requests for the same family, so the
frequency limit holds across funds even when two clerks press at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Card, EmergencyLetter, Grade, Household, Membership, Person
from core.audit import audit_log
from core.money import MoneyError, format_rupiah, parse_amount
from core.roles import Role
from disbursements.errors import DisbursementError
from disbursements.models import (
    PHOTO_KINDS,
    DisbursementRequest,
    Evidence,
    EvidenceKind,
    InKindDelivery,
    PayeeKind,
    Payment,
    ProgrammeRule,
    school_year_of,
)
from disbursements.selectors import policy_get, rule_for
from funds.errors import LedgerError
from funds.models import Commitment, Fund, MoneyLocation, Programme
from funds.selectors import fund_available
from funds.services import (
    ASNAF,
    commitment_open,
    commitment_release,
    payment_record,
    transaction_reverse,
)

Status = DisbursementRequest.Status
REQUESTERS = (Role.VERIFIER, Role.FUND_MANAGER)
APPROVERS = (Role.TREASURER, Role.HEAD)
PAYERS = (Role.TREASURER,)
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_PURPOSE = "disbursement_evidence"


def _date(day: dt.date) -> str:
    return formats.date_format(day, "j M Y")


def _parse_amount(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return parse_amount(value)
    except MoneyError as exc:
        raise DisbursementError(str(exc)) from exc


# --- the live check -----------------------------------------------------------------------------
@dataclass
class CheckResult:
    """What the live check found: refusals, plus notes that explain a yes."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rule: ProgrammeRule | None = None
    amount: Decimal | None = None
    school_year: str = ""
    period: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _eligibility(
    household: Household, rule: ProgrammeRule, on: dt.date, result: CheckResult
) -> None:
    card = next(
        (
            c
            for c in Card.objects.filter(household=household).order_by("-valid_until")
            if c.is_valid_on(on)
        ),
        None,
    )
    letter = next(
        (
            lt
            for lt in EmergencyLetter.objects.filter(household=household).order_by("-valid_until")
            if lt.is_valid_on(on)
        ),
        None,
    )
    if card is not None:
        if rule.grades and card.grade not in rule.grades:
            allowed = ", ".join(str(Grade(g).label) for g in rule.grades)
            if letter is None or not rule.accepts_emergency_letter:
                result.problems.append(
                    _("Kartu %(n)s bertingkat %(g)s; program ini hanya untuk %(a)s.")
                    % {"n": card.number, "g": card.get_grade_display(), "a": allowed}
                )
                return
        else:
            result.notes.append(
                _("Kartu %(n)s berlaku sampai %(d)s.")
                % {"n": card.number, "d": _date(card.valid_until)}
            )
            return
    if letter is not None:
        if rule.accepts_emergency_letter:
            result.notes.append(
                _("Surat rekomendasi darurat %(n)s berlaku sampai %(d)s.")
                % {"n": letter.number, "d": _date(letter.valid_until)}
            )
        else:
            result.problems.append(
                _(
                    "Keluarga ini hanya memegang surat rekomendasi darurat; program ini "
                    "membutuhkan kartu yang berlaku."
                )
            )
        return
    from beneficiaries.selectors import household_eligibility

    eligible, reason = household_eligibility(household=household, on=on)
    result.problems.append(
        _("Keluarga ini tidak layak menerima bantuan hari ini: %(r)s") % {"r": reason}
    )


def _frequency(
    *,
    rule: ProgrammeRule,
    household: Household,
    member: Person | None,
    on: dt.date,
    result: CheckResult,
    exclude_pk: int | None,
) -> None:
    """Refuse a second help of the same programme, whatever fund or channel paid the first."""
    live = DisbursementRequest.objects.filter(
        programme_id=rule.programme_id, status__in=DisbursementRequest.LIVE
    ).select_related("fund")
    if exclude_pk:
        live = live.exclude(pk=exclude_pk)
    F = rule.Frequency
    earlier = None
    if rule.frequency == F.HOUSEHOLD_YEARS:
        since = on.replace(year=on.year - rule.frequency_years) if rule.frequency_years else on
        earlier = (
            live.filter(household=household, requested_at__date__gt=since)
            .order_by("-requested_at")
            .first()
        )
        if earlier:
            result.problems.append(
                _(
                    "Rumah tangga ini sudah mendapat %(p)s pada %(d)s (permohonan %(n)s, dana "
                    "%(f)s); batasnya sekali dalam %(y)s tahun."
                )
                % {
                    "p": rule.programme.name,
                    "d": _date(timezone.localtime(earlier.requested_at).date()),
                    "n": earlier.number,
                    "f": earlier.fund.name,
                    "y": rule.frequency_years,
                }
            )
    elif rule.frequency == F.MEMBER_SCHOOL_YEAR and member is not None:
        earlier = live.filter(member=member, school_year=result.school_year).first()
        if earlier:
            result.problems.append(
                _(
                    "%(m)s sudah dibantu kebutuhan sekolah tahun ajaran %(y)s (permohonan %(n)s, "
                    "dana %(f)s)."
                )
                % {
                    "m": member.name,
                    "y": result.school_year,
                    "n": earlier.number,
                    "f": earlier.fund.name,
                }
            )
    elif rule.frequency == F.MEMBER_MONTH and member is not None:
        earlier = live.filter(member=member, period=result.period).first()
        if earlier:
            result.problems.append(
                _("%(m)s sudah dibantu program ini bulan %(p)s (permohonan %(n)s, dana %(f)s).")
                % {
                    "m": member.name,
                    "p": result.period,
                    "n": earlier.number,
                    "f": earlier.fund.name,
                }
            )


def _fund_rules(
    *,
    fund: Fund,
    rule: ProgrammeRule,
    desa: str,
    asnaf: str,
    result: CheckResult,
    allowed_funds: list[Fund] | None = None,
) -> None:
    code = rule.programme.code
    if allowed_funds is None:
        allowed_funds = list(rule.allowed_funds.all())
    if allowed_funds and fund not in allowed_funds:
        result.problems.append(
            _("Program %(p)s tidak dibayar dari dana %(f)s; pilih salah satu: %(a)s.")
            % {
                "p": rule.programme.name,
                "f": fund.name,
                "a": ", ".join(f.name for f in allowed_funds),
            }
        )
    if fund.allowed_programmes and code not in fund.allowed_programmes:
        result.problems.append(
            _("Dana %(f)s terikat untuk program %(a)s; tidak boleh dipakai untuk %(p)s.")
            % {"f": fund.name, "a": ", ".join(fund.allowed_programmes), "p": rule.programme.name}
        )
    if fund.allowed_areas and not any(desa.startswith(a) for a in fund.allowed_areas if a):
        result.problems.append(
            _("Dana %(f)s hanya untuk wilayah %(a)s; rumah tangga ini tinggal di %(d)s.")
            % {"f": fund.name, "a": ", ".join(fund.allowed_areas), "d": desa}
        )
    if fund.restriction == Fund.Restriction.ZAKAT:
        if asnaf not in ASNAF:
            result.problems.append(_("Dana zakat hanya untuk delapan asnaf: pilih asnafnya."))
        elif rule.asnaf and asnaf not in rule.asnaf:
            result.problems.append(
                _("Program ini melayani asnaf %(a)s, bukan %(x)s.")
                % {"a": ", ".join(rule.asnaf), "x": asnaf}
            )


def disbursement_check(
    *,
    programme: Programme,
    household: Household,
    member: Person | None,
    fund: Fund | None,
    amount,
    payee_kind: str = "",
    asnaf: str = "",
    on: dt.date | None = None,
    exclude_pk: int | None = None,
    check_money: bool = True,
) -> CheckResult:
    """Check a request against every rule and return all refusals at once (nothing is written)."""
    on = on or timezone.localdate()
    result = CheckResult(school_year=school_year_of(on), period=f"{on:%Y-%m}")
    if not programme.is_active:
        result.problems.append(_("Program %(p)s sudah tidak aktif.") % {"p": programme.name})
    rule = rule_for(programme=programme, on=on)
    if rule is None:
        result.problems.append(
            _("Program %(p)s belum mempunyai aturan yang berlaku.") % {"p": programme.name}
        )
        return result
    result.rule = rule
    _eligibility(household, rule, on, result)
    if (
        member is not None
        and not Membership.objects.filter(
            household=household, person=member, ended_on__isnull=True
        ).exists()
    ):
        result.problems.append(
            _("%(m)s bukan anggota aktif rumah tangga ini.") % {"m": member.name}
        )
    if rule.member_required and member is None:
        result.problems.append(
            _("Pilih anggota keluarga yang dibantu (murid, pasien, atau lansia).")
        )
    try:
        value = _parse_amount(amount)
    except DisbursementError as exc:
        result.problems.append(exc.message)
        value = None
    if value is not None:
        result.amount = value
        low, high = rule.amount_range(member.school_level if member else "")
        if not low <= value <= high:
            if low == high:
                result.problems.append(
                    _("Jumlah %(p)s ditetapkan %(a)s; yang diminta %(x)s.")
                    % {"p": rule.programme.name, "a": format_rupiah(low), "x": format_rupiah(value)}
                )
            else:
                result.problems.append(
                    _("Jumlah %(x)s di luar rentang program: %(lo)s sampai %(hi)s.")
                    % {
                        "x": format_rupiah(value),
                        "lo": format_rupiah(low),
                        "hi": format_rupiah(high),
                    }
                )
    _frequency(
        rule=rule, household=household, member=member, on=on, result=result, exclude_pk=exclude_pk
    )
    if payee_kind and rule.payee_kinds and payee_kind not in rule.payee_kinds:
        names = ", ".join(str(PayeeKind(k).label) for k in rule.payee_kinds)
        result.problems.append(_("Program ini dibayarkan kepada: %(k)s.") % {"k": names})
    if fund is None:
        result.problems.append(_("Pilih dana yang membayar."))
        return result
    desa = household.village_id
    _fund_rules(fund=fund, rule=rule, desa=desa, asnaf=asnaf, result=result)
    if value is not None and check_money:
        available = fund_available(fund=fund)
        if available < value:
            result.problems.append(
                _("Dana %(f)s tidak cukup: tersedia %(a)s, dibutuhkan %(x)s.")
                % {"f": fund.name, "a": format_rupiah(available), "x": format_rupiah(value)}
            )
        else:
            result.notes.append(
                _("Dana %(f)s tersedia %(a)s.") % {"f": fund.name, "a": format_rupiah(available)}
            )
    return result


def fund_suggest(*, programme: Programme, household: Household, amount=None) -> list[Fund]:
    """Return the funds that may pay, earmarked money for this purpose and area first."""
    from funds.selectors import fund_balances

    desa = household.village_id
    rule = rule_for(programme=programme, on=timezone.localdate())
    allowed_ids = set(rule.allowed_funds.values_list("pk", flat=True)) if rule else set()
    try:
        wanted = _parse_amount(amount) if amount not in (None, "") else Decimal("0")
    except DisbursementError:
        wanted = Decimal("0")
    candidates = []
    for row in fund_balances(active_only=False):
        fund = row.fund
        if allowed_ids and fund.pk not in allowed_ids:
            continue
        if fund.restriction in Fund.ZAKAT_ONLY_CLASSES and fund.restriction != "zakat":
            continue
        if fund.allowed_programmes and programme.code not in fund.allowed_programmes:
            continue
        if fund.allowed_areas and not any(desa.startswith(a) for a in fund.allowed_areas if a):
            continue
        if row.available <= 0 or row.available < wanted:
            continue
        earmarked = bool(fund.allowed_programmes or fund.allowed_areas)
        candidates.append(
            (0 if earmarked else 1, -len("".join(fund.allowed_areas)), fund.name, fund)
        )
    return [c[-1] for c in sorted(candidates, key=lambda c: c[:3])]


# --- asking -------------------------------------------------------------------------------------
def _guard_key(req: DisbursementRequest, rule: ProgrammeRule) -> str | None:
    """Return the key the database keeps unique while this request counts, or None."""
    F = ProgrammeRule.Frequency
    code = rule.programme.code
    if req.status not in DisbursementRequest.LIVE:
        return None
    if rule.frequency == F.MEMBER_SCHOOL_YEAR and req.member_id:
        return f"{code}:p{req.member_id}:{req.school_year}"
    if rule.frequency == F.MEMBER_MONTH and req.member_id:
        return f"{code}:p{req.member_id}:{req.period}"
    if rule.frequency == F.HOUSEHOLD_YEARS and req.status != Status.CLOSED:
        # Under way: one at a time; the N-year window after closing is checked under the lock.
        return f"{code}:h{req.household_id}"
    return None


@transaction.atomic
def disbursement_create(
    *,
    programme: Programme,
    household: Household,
    member: Person | None,
    fund: Fund,
    amount,
    payee_kind: str,
    payee_name: str,
    actor,
    payee_account: str = "",
    asnaf: str = "",
    note: str = "",
    publication_consent: bool = False,
    photos_consent: bool = False,
    on: dt.date | None = None,
    batch=None,
    batch_line: int | None = None,
) -> DisbursementRequest:
    """Record a request for help after every check; refused with all reasons at once."""
    if not actor.has_role(*REQUESTERS):
        raise DisbursementError(_("Permohonan diajukan oleh verifikator atau pengelola dana."))
    # Two clerks asking for the same family at once: the second waits here and
    # then sees the first request, whichever fund each chose.
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    on = on or timezone.localdate()
    check = disbursement_check(
        programme=programme,
        household=household,
        member=member,
        fund=fund,
        amount=amount,
        payee_kind=payee_kind,
        asnaf=asnaf,
        on=on,
    )
    if not (payee_kind or "").strip():
        check.problems.append(_("Pilih jenis penerima pembayaran."))
    if not (payee_name or "").strip():
        check.problems.append(_("Isi nama penerima pembayaran."))
    if check.problems:
        raise DisbursementError(check.problems)
    rule = check.rule
    req = DisbursementRequest(
        number=f"tmp-{timezone.now().timestamp()}-{household.pk}-{batch_line or 0}",
        programme=programme,
        rule=rule,
        household=household,
        member=member,
        fund=fund,
        amount=check.amount,
        desa=household.village_id,
        kecamatan=household.village.parent_id or "",
        asnaf=asnaf,
        school_year=check.school_year,
        period=check.period,
        payee_kind=payee_kind,
        payee_name=payee_name.strip(),
        payee_account=(payee_account or "").strip(),
        note=(note or "").strip(),
        publication_consent=publication_consent,
        photos_consent=photos_consent,
        batch=batch,
        batch_line=batch_line,
        requested_by=actor,
    )
    req.guard_key = _guard_key(req, rule)
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError as exc:
        raise DisbursementError(
            _("Bantuan yang sama untuk keluarga atau anggota ini sudah diajukan (semua dana).")
        ) from exc
    req.number = f"PB-{on:%Y}-{req.pk:06d}"
    DisbursementRequest.objects.filter(pk=req.pk).update(number=req.number)
    audit_log(
        req,
        "disbursements.request.created",
        actor=actor,
        changes={
            "programme": programme.code,
            "fund": fund.code,
            "amount": req.amount,
            "household": household.pk,
            "member": member.pk if member else None,
        },
    )
    return req


def _lock(request: DisbursementRequest) -> DisbursementRequest:
    return (
        DisbursementRequest.objects.select_for_update(of=("self",))
        .select_related("programme", "fund", "rule")
        .get(pk=request.pk)
    )


def _open_commitment(req: DisbursementRequest) -> Commitment | None:
    """Return the request's own open commitment (a batch line has none of its own)."""
    return Commitment.objects.filter(
        reference_type=req._meta.label_lower,
        reference_id=str(req.pk),
        status=Commitment.Status.OPEN,
    ).first()


# --- deciding -----------------------------------------------------------------------------------
@transaction.atomic
def disbursement_approve(*, request: DisbursementRequest, actor) -> DisbursementRequest:
    """Approve a request: reserve its money, or pass it to the head above the threshold."""
    req = _lock(request)
    if req.status not in (Status.SUBMITTED, Status.AWAITING_HEAD):
        raise DisbursementError(
            _("Permohonan %(n)s berstatus %(s)s; hanya permohonan yang diajukan dapat disetujui.")
            % {"n": req.number, "s": req.get_status_display()}
        )
    if req.requested_by_id == actor.pk:
        raise DisbursementError(_("Pemohon tidak boleh menyetujui permohonannya sendiri."))
    if not actor.has_role(*APPROVERS):
        raise DisbursementError(_("Persetujuan diberikan oleh bendahara atau kepala UPT."))
    now = timezone.now()
    if req.status == Status.AWAITING_HEAD:
        if not actor.has_role(Role.HEAD):
            raise DisbursementError(_("Persetujuan kedua hanya oleh kepala UPT."))
        if req.approved_by_id == actor.pk:
            raise DisbursementError(
                _("Persetujuan kedua harus oleh orang lain daripada penyetuju pertama.")
            )
        req.second_approved_by, req.second_approved_at = actor, now
        fields = ["second_approved_by", "second_approved_at"]
    else:
        req.approved_by, req.approved_at = actor, now
        fields = ["approved_by", "approved_at"]
        threshold = policy_get().second_approval_above
        # Above the threshold the head must have approved; a head approving first is enough.
        if req.amount > threshold and not actor.has_role(Role.HEAD):
            req.status = Status.AWAITING_HEAD
            req.save(update_fields=[*fields, "status"])
            audit_log(
                req,
                "disbursements.request.first_approved",
                actor=actor,
                changes={"amount": req.amount, "threshold": threshold},
            )
            return req
    # Checked again now: a card may have lapsed or another fund paid since asking.
    household = Household.objects.select_for_update().get(pk=req.household_id)
    check = disbursement_check(
        programme=req.programme,
        household=household,
        member=req.member,
        fund=req.fund,
        amount=req.amount,
        asnaf=req.asnaf,
        exclude_pk=req.pk,
        check_money=False,  # the ledger checks it under the account lock just below
    )
    if check.problems:
        raise DisbursementError(check.problems)
    try:
        commitment_open(
            fund=req.fund,
            amount=req.amount,
            reference=req,
            actor=actor,
            programme=req.programme.code,
            area=req.desa,
            asnaf=req.asnaf,
        )
    except LedgerError as exc:
        # Another approval may have taken the last money of the fund a moment ago.
        raise DisbursementError(_("Tidak dapat disetujui: %(m)s") % {"m": exc.message}) from exc
    req.status = Status.APPROVED
    req.save(update_fields=[*fields, "status"])
    audit_log(req, "disbursements.request.approved", actor=actor, changes={"amount": req.amount})
    return req


@transaction.atomic
def disbursement_reject(*, request: DisbursementRequest, actor, reason: str) -> DisbursementRequest:
    """Refuse a request with a reason the requester can read."""
    req = _lock(request)
    reason = (reason or "").strip()
    if req.status not in (Status.SUBMITTED, Status.AWAITING_HEAD):
        raise DisbursementError(_("Hanya permohonan yang menunggu persetujuan dapat ditolak."))
    if req.requested_by_id == actor.pk:
        raise DisbursementError(_("Pemohon tidak boleh memutus permohonannya sendiri."))
    if not actor.has_role(*APPROVERS):
        raise DisbursementError(_("Penolakan diberikan oleh bendahara atau kepala UPT."))
    if not reason:
        raise DisbursementError(_("Tuliskan alasan penolakan."))
    req.status, req.decided_reason, req.decided_by = Status.REJECTED, reason[:255], actor
    req.guard_key = None
    req.save(update_fields=["status", "decided_reason", "decided_by", "guard_key"])
    audit_log(req, "disbursements.request.rejected", actor=actor, changes={"reason": reason})
    return req


# --- paying -------------------------------------------------------------------------------------
@transaction.atomic
def disbursement_pay(
    *,
    request: DisbursementRequest,
    actor,
    amount,
    location: MoneyLocation,
    method: str,
    date: dt.date,
    idempotency_key: str,
    payee_account: str = "",
    bank_reference: str = "",
    stage_note: str = "",
) -> Payment:
    """Record a payment (or one stage) and post it to the ledger in the same transaction.

    The same `idempotency_key` (one per payment form) returns the payment
    already recorded instead of paying twice.
    """
    req = _lock(request)
    done = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if done is not None:
        if done.request_id != req.pk:
            raise DisbursementError(_("Kunci formulir pembayaran sudah dipakai; muat ulang."))
        return done
    if not actor.has_role(*PAYERS):
        raise DisbursementError(_("Pembayaran dicatat oleh bendahara."))
    if req.status not in DisbursementRequest.PAYABLE:
        raise DisbursementError(
            _("Permohonan %(n)s berstatus %(s)s; hanya yang disetujui dapat dibayar.")
            % {"n": req.number, "s": req.get_status_display()}
        )
    value = _parse_amount(amount)
    if value <= 0:
        raise DisbursementError(_("Jumlah pembayaran harus lebih dari nol."))
    if value > req.remaining:
        raise DisbursementError(
            _("Pembayaran %(x)s melebihi sisa yang disetujui (%(r)s).")
            % {"x": format_rupiah(value), "r": format_rupiah(req.remaining)}
        )
    if method not in Payment.Method.values:
        raise DisbursementError(_("Pilih cara bayar."))
    if not isinstance(date, dt.date) or date > timezone.localdate():
        raise DisbursementError(_("Tanggal bayar tidak boleh di masa depan."))
    # A batch line is paid from the batch's one reservation.
    commitment = _batch_commitment(req.batch) if req.batch_id else _open_commitment(req)
    if commitment is None:
        raise DisbursementError(_("Permohonan ini tidak mempunyai komitmen terbuka."))
    try:
        txn = payment_record(
            fund=req.fund,
            location=location,
            amount=value,
            date=date,
            description=_("Penyaluran %(p)s %(n)s") % {"p": req.programme.name, "n": req.number},
            reference=req,
            actor=actor,
            commitment=commitment,
            programme=req.programme.code,
            area=req.desa,
            asnaf=req.asnaf,
            final=False,
        )
    except LedgerError as exc:
        raise DisbursementError(exc.message) from exc
    payment = Payment.objects.create(
        request=req,
        transaction=txn,
        amount=value,
        method=method,
        location=location,
        payee_account=(payee_account or req.payee_account or "").strip(),
        bank_reference=(bank_reference or "").strip()[:100],
        date=date,
        stage_note=(stage_note or "").strip()[:150],
        idempotency_key=idempotency_key,
        paid_by=actor,
    )
    req.paid_amount += value
    req.status = Status.PAID if req.paid_amount == req.amount else Status.PART_PAID
    req.save(update_fields=["paid_amount", "status"])
    audit_log(
        req,
        "disbursements.request.paid",
        actor=actor,
        changes={"amount": value, "paid": req.paid_amount, "transaction": txn.sequence},
    )
    return payment


# --- proof and closing --------------------------------------------------------------------------
@transaction.atomic
def evidence_add(
    *, request: DisbursementRequest, kind: str, upload, actor, caption: str = ""
) -> Evidence:
    """Store a photo or document of delivery, encrypted, after checking its type and size."""
    from django.core.exceptions import ValidationError

    from core.uploads import stored_file_save

    req = _lock(request)
    if req.status not in (Status.APPROVED, Status.PART_PAID, Status.PAID):
        raise DisbursementError(_("Bukti hanya dapat diunggah untuk permohonan yang disetujui."))
    if kind not in EvidenceKind.values:
        raise DisbursementError(_("Pilih jenis bukti."))
    allowed = ("jpeg", "png") if kind in PHOTO_KINDS else ("pdf", "jpeg", "png")
    try:
        stored = stored_file_save(
            upload=upload,
            purpose=EVIDENCE_PURPOSE,
            allowed=allowed,
            max_bytes=EVIDENCE_MAX_BYTES,
            actor=actor,
        )
    except ValidationError as exc:
        raise DisbursementError(" ".join(exc.messages)) from exc
    evidence = Evidence.objects.create(
        request=req, kind=kind, stored=stored, caption=(caption or "")[:200], uploaded_by=actor
    )
    audit_log(req, "disbursements.evidence.added", actor=actor, changes={"kind": kind})
    return evidence


def missing_evidence(req: DisbursementRequest) -> list[str]:
    """Return the labels of the evidence kinds the programme requires and the request lacks."""
    have = set(req.evidence.values_list("kind", flat=True))
    return [str(EvidenceKind(k).label) for k in (req.rule.evidence_required or []) if k not in have]


@transaction.atomic
def disbursement_close(
    *, request: DisbursementRequest, actor, on: dt.date | None = None
) -> DisbursementRequest:
    """Close a paid request once its evidence is complete; release any unpaid remainder."""
    req = _lock(request)
    if req.status not in (Status.PAID, Status.PART_PAID):
        raise DisbursementError(_("Hanya permohonan yang sudah dibayar dapat ditutup."))
    if not actor.has_role(Role.TREASURER, Role.HEAD, Role.FUND_MANAGER):
        raise DisbursementError(_("Penutupan dilakukan oleh bendahara atau pengelola dana."))
    missing = missing_evidence(req)
    if missing:
        raise DisbursementError(_("Bukti belum lengkap: %(m)s.") % {"m": ", ".join(missing)})
    commitment = _open_commitment(req)
    if commitment is not None:
        commitment_release(
            commitment=commitment,
            actor=actor,
            reason=_("Sisa dilepas saat %(n)s ditutup") % {"n": req.number},
        )
    req.status, req.closed_on, req.closed_by = Status.CLOSED, on or timezone.localdate(), actor
    req.guard_key = _guard_key(req, req.rule)
    req.save(update_fields=["status", "closed_on", "closed_by", "guard_key"])
    audit_log(
        req,
        "disbursements.request.closed",
        actor=actor,
        changes={"paid": req.paid_amount, "released": req.remaining},
    )
    return req


# --- cancelling and correcting ------------------------------------------------------------------
@transaction.atomic
def disbursement_cancel(*, request: DisbursementRequest, actor, reason: str) -> DisbursementRequest:
    """Cancel an unpaid request with a reason; an approved one frees its reservation."""
    req = _lock(request)
    reason = (reason or "").strip()
    if not reason:
        raise DisbursementError(_("Tuliskan alasan pembatalan."))
    if req.status not in (Status.SUBMITTED, Status.AWAITING_HEAD, Status.APPROVED):
        raise DisbursementError(
            _(
                "Permohonan yang sudah dibayar (sebagian) tidak dibatalkan tetapi dikoreksi "
                "dengan pembalikan."
            )
        )
    if req.requested_by_id != actor.pk and not actor.has_role(*APPROVERS):
        raise DisbursementError(_("Pembatalan oleh pemohon, bendahara, atau kepala UPT."))
    if req.batch_id and req.status == Status.APPROVED:
        raise DisbursementError(_("Baris batch yang sudah disetujui dibatalkan bersama batchnya."))
    commitment = _open_commitment(req)
    if commitment is not None:
        commitment_release(commitment=commitment, actor=actor, reason=reason)
    req.status, req.decided_reason, req.decided_by = Status.CANCELLED, reason[:255], actor
    req.guard_key = None
    req.save(update_fields=["status", "decided_reason", "decided_by", "guard_key"])
    audit_log(req, "disbursements.request.cancelled", actor=actor, changes={"reason": reason})
    return req


@transaction.atomic
def disbursement_reverse(
    *, request: DisbursementRequest, actor, reason: str, date: dt.date | None = None
) -> DisbursementRequest:
    """Correct a paid request: reverse each payment in the ledger and free any reservation."""
    req = _lock(request)
    reason = (reason or "").strip()
    if not reason:
        raise DisbursementError(_("Tuliskan alasan koreksi."))
    if req.status not in (Status.PART_PAID, Status.PAID, Status.CLOSED):
        raise DisbursementError(_("Hanya permohonan yang sudah dibayar dapat dikoreksi."))
    if not actor.has_role(*APPROVERS):
        raise DisbursementError(_("Koreksi dilakukan oleh bendahara atau kepala UPT."))
    commitment = _open_commitment(req)
    if commitment is not None:
        commitment_release(commitment=commitment, actor=actor, reason=reason)
    reversed_total = Decimal("0")
    for payment in req.payments.select_for_update().filter(reversal__isnull=True):
        try:
            reversal = transaction_reverse(
                transaction=payment.transaction,
                reason=reason,
                actor=actor,
                date=date,
                reference=req,
            )
        except LedgerError as exc:
            raise DisbursementError(exc.message) from exc
        payment.reversal = reversal
        payment.save(update_fields=["reversal"])
        reversed_total += payment.amount
    req.status, req.decided_reason, req.decided_by = Status.REVERSED, reason[:255], actor
    req.paid_amount = Decimal("0")
    req.guard_key = None
    req.save(update_fields=["status", "decided_reason", "decided_by", "guard_key", "paid_amount"])
    audit_log(
        req,
        "disbursements.request.reversed",
        actor=actor,
        changes={"reason": reason, "reversed": reversed_total},
    )
    return req


# --- batches ------------------------------------------------------------------------------------
BATCH_COLUMNS = ["NIK", "JUMLAH", "SEKOLAH"]
BATCH_ALIASES = {"NAMA_SEKOLAH": "SEKOLAH", "NOMINAL": "JUMLAH", "NIK_MURID": "NIK"}


def _batch_commitment(batch) -> Commitment | None:
    return Commitment.objects.filter(
        reference_type=batch._meta.label_lower,
        reference_id=str(batch.pk),
        status=Commitment.Status.OPEN,
    ).first()


@transaction.atomic
def batch_create(
    *,
    data: bytes,
    filename: str,
    programme: Programme,
    fund: Fund,
    actor,
    on: dt.date | None = None,
):
    """Turn a list of pupils into one batch of requests; any bad line refuses the whole file.

    Every line meets the checks of a single request (eligibility, amount for
    the pupil's level, once per school year across all funds, the fund's
    rules), done in a few set-wise queries so that thousands of lines stay fast.
    """
    import hashlib
    import os

    from beneficiaries.services import nik_hash
    from core.imports import ImportFileError, RowError, read_table
    from disbursements.models import Batch

    if not actor.has_role(*REQUESTERS):
        raise DisbursementError(_("Batch diajukan oleh verifikator atau pengelola dana."))
    on = on or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    twin = Batch.objects.filter(file_sha256=digest).first()
    if twin is not None:
        raise DisbursementError(
            _("Berkas yang sama sudah diajukan sebagai batch %(n)s.") % {"n": twin.number}
        )
    try:
        table = read_table(data, filename=filename, required=BATCH_COLUMNS, aliases=BATCH_ALIASES)
    except ImportFileError as exc:
        raise DisbursementError(str(exc)) from exc
    rule = rule_for(programme=programme, on=on)
    if rule is None:
        raise DisbursementError(_("Program ini belum mempunyai aturan yang berlaku."))
    if not table.rows:
        raise DisbursementError(_("Berkas tidak berisi baris murid."))
    school_year = school_year_of(on)
    allowed_funds = list(rule.allowed_funds.all())
    errors: list[RowError] = []
    hashes = {}
    for line, row in table.rows:
        digits = "".join(ch for ch in row.get("NIK", "") if ch.isdigit())
        if len(digits) != 16:
            errors.append(RowError(line, "NIK", _("NIK harus 16 angka.")))
            continue
        hashes[line] = nik_hash(digits)
    # Only the fields the check needs: loading a household or person would decrypt
    # its KK number, address, phone and NIK for nothing, thousands of times.
    memberships = {
        m.person.nik_hash: m
        for m in Membership.objects.filter(
            person__nik_hash__in=set(hashes.values()), ended_on__isnull=True
        )
        .select_related("person", "household__village")
        .only(
            "household_id",
            "person_id",
            "person__nik_hash",
            "person__name",
            "person__school_level",
            "household__village_id",
            "household__village__parent_id",
        )
    }
    household_ids = sorted({m.household_id for m in memberships.values()})
    # Locked in pk order, as a single request locks its household: no double aid slips between.
    list(
        Household.objects.select_for_update()
        .filter(pk__in=household_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cards = {}
    for card in Card.objects.filter(
        household_id__in=household_ids, valid_from__lte=on, valid_until__gte=on
    ):
        if card.is_valid_on(on):
            cards[card.household_id] = card
    letters = set()
    if rule.accepts_emergency_letter:
        letters = set(
            EmergencyLetter.objects.filter(
                household_id__in=household_ids, valid_from__lte=on, valid_until__gte=on
            ).values_list("household_id", flat=True)
        )
    helped = dict(
        DisbursementRequest.objects.filter(
            programme=programme,
            school_year=school_year,
            status__in=DisbursementRequest.LIVE,
            member__in=[m.person_id for m in memberships.values()],
        ).values_list("member_id", "number")
    )
    seen: dict[int, int] = {}
    lines = []
    total = Decimal("0")
    for line, row in table.rows:
        if line not in hashes:
            continue
        membership = memberships.get(hashes[line])
        if membership is None:
            errors.append(RowError(line, "NIK", _("NIK tidak terdaftar di rumah tangga mana pun.")))
            continue
        person, household = membership.person, membership.household
        card = cards.get(household.pk)
        if card is None and household.pk not in letters:
            errors.append(
                RowError(
                    line,
                    "NIK",
                    _("Keluarga %(p)s tidak memegang kartu yang berlaku.") % {"p": person.name},
                )
            )
        elif card is not None and rule.grades and card.grade not in rule.grades:
            errors.append(RowError(line, "NIK", _("Tingkat kartu tidak dilayani program ini.")))
        if person.pk in seen:
            errors.append(
                RowError(
                    line,
                    "NIK",
                    _("Murid yang sama sudah ada di baris %(r)s.") % {"r": seen[person.pk]},
                )
            )
        seen[person.pk] = line
        if person.pk in helped:
            errors.append(
                RowError(
                    line,
                    "NIK",
                    _("%(p)s sudah dibantu tahun ajaran %(y)s (permohonan %(n)s).")
                    % {"p": person.name, "y": school_year, "n": helped[person.pk]},
                )
            )
        try:
            amount = parse_amount(row.get("JUMLAH", ""))
        except MoneyError as exc:
            errors.append(RowError(line, "JUMLAH", str(exc)))
            amount = None
        if amount is not None:
            low, high = rule.amount_range(person.school_level)
            if not low <= amount <= high:
                errors.append(
                    RowError(
                        line,
                        "JUMLAH",
                        _("%(x)s di luar rentang %(lo)s sampai %(hi)s untuk jenjang ini.")
                        % {
                            "x": format_rupiah(amount),
                            "lo": format_rupiah(low),
                            "hi": format_rupiah(high),
                        },
                    )
                )
            else:
                total += amount
        school = (row.get("SEKOLAH") or "").strip()
        if not school:
            errors.append(RowError(line, "SEKOLAH", _("Nama sekolah wajib diisi.")))
        fund_check = CheckResult()
        _fund_rules(
            fund=fund,
            rule=rule,
            desa=household.village_id,
            asnaf="",
            result=fund_check,
            allowed_funds=allowed_funds,
        )
        for problem in fund_check.problems:
            errors.append(RowError(line, "", problem))
        lines.append((line, person, household, amount, school))
    if not errors and total > fund_available(fund=fund):
        errors.append(
            RowError(
                0,
                "",
                _("Dana %(f)s tidak cukup untuk batch ini: tersedia %(a)s, dibutuhkan %(t)s.")
                % {
                    "f": fund.name,
                    "a": format_rupiah(fund_available(fund=fund)),
                    "t": format_rupiah(total),
                },
            )
        )
    if errors:
        raise DisbursementError([str(e) for e in errors])
    batch = Batch.objects.create(
        number=f"tmp-{digest[:20]}",
        programme=programme,
        fund=fund,
        school_year=school_year,
        filename=os.path.basename(filename)[:255],
        file_sha256=digest,
        lines=len(lines),
        total=total,
        requested_by=actor,
    )
    batch.number = f"BT-{on:%Y}-{batch.pk:04d}"
    Batch.objects.filter(pk=batch.pk).update(number=batch.number)
    requests = []
    for line, person, household, amount, school in lines:
        req = DisbursementRequest(
            number=f"{batch.number}-{line:05d}",
            programme=programme,
            rule=rule,
            household=household,
            member=person,
            fund=fund,
            amount=amount,
            desa=household.village_id,
            kecamatan=household.village.parent_id or "",
            school_year=school_year,
            period=f"{on:%Y-%m}",
            payee_kind=PayeeKind.SCHOOL,
            payee_name=school,
            batch=batch,
            batch_line=line,
            requested_by=actor,
        )
        req.guard_key = _guard_key(req, rule)
        requests.append(req)
    try:
        with transaction.atomic():
            DisbursementRequest.objects.bulk_create(requests, batch_size=1000)
    except IntegrityError as exc:
        raise DisbursementError(
            _("Ada murid di batch ini yang baru saja diajukan di permohonan lain; periksa lagi.")
        ) from exc
    audit_log(
        batch,
        "disbursements.batch.created",
        actor=actor,
        changes={"lines": len(lines), "total": total, "file": digest},
    )
    return batch


@transaction.atomic
def batch_approve(*, batch, actor):
    """Approve a whole batch once: one reservation for all its lines."""
    import os

    from disbursements.models import Batch

    batch = Batch.objects.select_for_update().select_related("programme", "fund").get(pk=batch.pk)
    if batch.status != Batch.Status.SUBMITTED:
        raise DisbursementError(_("Hanya batch yang diajukan dapat disetujui."))
    if batch.requested_by_id == actor.pk:
        raise DisbursementError(_("Pemohon tidak boleh menyetujui batchnya sendiri."))
    if not actor.has_role(*APPROVERS):
        raise DisbursementError(_("Persetujuan diberikan oleh bendahara atau kepala UPT."))
    if batch.total > policy_get().second_approval_above and not actor.has_role(Role.HEAD):
        raise DisbursementError(
            _("Batch di atas %(t)s disetujui oleh kepala UPT.")
            % {"t": format_rupiah(policy_get().second_approval_above)}
        )
    desas = list(batch.requests.values_list("desa", flat=True).distinct())
    try:
        commitment_open(
            fund=batch.fund,
            amount=batch.total,
            reference=batch,
            actor=actor,
            programme=batch.programme.code,
            area=os.path.commonprefix(desas).rstrip("."),
        )
    except LedgerError as exc:
        raise DisbursementError(_("Tidak dapat disetujui: %(m)s") % {"m": exc.message}) from exc
    now = timezone.now()
    batch.requests.filter(status=Status.SUBMITTED).update(
        status=Status.APPROVED, approved_by=actor, approved_at=now
    )
    batch.status, batch.approved_by, batch.approved_at = Batch.Status.APPROVED, actor, now
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    audit_log(batch, "disbursements.batch.approved", actor=actor, changes={"total": batch.total})
    return batch


@transaction.atomic
def batch_pay(
    *,
    batch,
    actor,
    location: MoneyLocation,
    method: str,
    date: dt.date,
    idempotency_key: str,
    bank_reference: str = "",
    payee_name: str = "",
) -> int:
    """Pay every approved line of a batch, or of one school; return how many were paid now."""
    lines = batch.requests.filter(status=Status.APPROVED).order_by("batch_line")
    if payee_name:
        lines = lines.filter(payee_name=payee_name)
    paid = 0
    for req in lines:
        key = f"{idempotency_key}:{req.pk}"
        if Payment.objects.filter(idempotency_key=key).exists():
            continue
        disbursement_pay(
            request=req,
            actor=actor,
            amount=req.amount,
            location=location,
            method=method,
            date=date,
            idempotency_key=key,
            bank_reference=bank_reference,
            stage_note=_("Batch %(n)s") % {"n": batch.number},
        )
        paid += 1
    return paid


# --- goods in kind ---------------------------------------------------------------------------
@transaction.atomic
def inkind_delivery_record(
    *,
    household: Household,
    programme_code: str,
    description: str,
    quantity: int,
    valuation: Decimal,
    delivered_on: dt.date,
    reference,
    actor,
) -> InKindDelivery:
    """Record goods handed to a verified household, at their valuation, outside the cash ledger.

    No fund, commitment or posting: the goods were never cash (design.md, "in-kind
    goods live in their own register"). The household must be eligible on the day.
    """
    from beneficiaries.selectors import household_eligibility

    if not (getattr(actor, "roles", frozenset()) & {Role.FUND_MANAGER, Role.ADMIN}):
        raise DisbursementError(_("Hanya pengelola dana yang dapat mencatat penyaluran barang."))
    programme = Programme.objects.filter(code=programme_code, is_active=True).first()
    if programme is None:
        raise DisbursementError(_("Pilih program yang terdaftar dan aktif."))
    if quantity is None or quantity <= 0 or valuation is None or valuation <= 0:
        raise DisbursementError(_("Jumlah dan nilai taksiran barang harus lebih dari nol."))
    household = Household.objects.select_for_update().select_related("village").get(pk=household.pk)
    eligible, reason = household_eligibility(household=household, on=delivered_on)
    if not eligible:
        raise DisbursementError(
            _("Keluarga ini tidak layak menerima bantuan pada tanggal itu: %(r)s") % {"r": reason}
        )
    desa = household.village_id
    delivery = InKindDelivery(
        number=f"tmp-{timezone.now().timestamp()}-{household.pk}",
        household=household,
        programme=programme,
        desa=desa,
        kecamatan=desa[:8],
        description=description.strip()[:200],
        quantity=quantity,
        valuation=valuation,
        delivered_on=delivered_on,
        reference_type=reference._meta.label_lower,
        reference_id=str(reference.pk),
        created_by=actor,
    )
    delivery.save()
    delivery.number = f"BRG-{delivered_on:%Y}-{delivery.pk:06d}"
    delivery.save(update_fields=["number"])
    audit_log(
        delivery,
        "disbursements.inkind.delivered",
        actor=actor,
        changes={
            "household": household.pk,
            "programme": programme.code,
            "quantity": quantity,
            "valuation": valuation,
            "reference": f"{delivery.reference_type}:{delivery.reference_id}",
        },
    )
    return delivery
