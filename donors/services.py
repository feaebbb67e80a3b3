"""Writes of the donors app: each one audited, money always through the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log, diff, snapshot
from core.db import deferred_checks_now
from core.identity import IdentityError, parse_nip
from core.models import Job
from core.money import format_rupiah
from core.organisation import get_organisation
from core.roles import Role
from core.uploads import stored_file_delete, stored_file_save
from donors import ledger
from donors.bulk import insert_rows
from donors.errors import DonorError
from donors.models import (
    Contribution,
    Donor,
    Enrolment,
    Opd,
    PayrollImport,
    Receipt,
    ReceiptCounter,
    Scheme,
    SchemeRate,
    _public_token,
)
from donors.payroll import (
    PayrollCheck,
    month_start,
    payroll_file_check,
    payroll_rows_match,
    rows_from_json,
    rows_to_json,
)
from donors.selectors import scheme_minimum

PROOF_MAX_BYTES = 5 * 1024 * 1024

DONOR_FIELDS = [
    "kind",
    "name",
    "nip",
    "rank",
    "position",
    "job_title",
    "opd",
    "npwp",
    "institution_type",
    "email",
    "display",
    "name_consent_on",
    "user",
    "is_active",
]


GIFT_CHANNEL_LOCATIONS = {
    Contribution.Channel.CASH: ("cash",),
    Contribution.Channel.TRANSFER: ("bank",),
    Contribution.Channel.INSTITUTION: ("bank", "cash"),
    Contribution.Channel.CARD: ("gateway",),
}


# --- Donors ----------------------------------------------------------------------------
# What a clerk (or the command line) sets on a donor; the rest is kept by the services.
DONOR_INPUT_FIELDS = [
    "kind",
    "name",
    "nip",
    "rank",
    "position",
    "job_title",
    "opd",
    "npwp",
    "institution_type",
    "email",
    "phone",
    "address",
    "display",
    "name_consent_on",
    "user",
]


def donor_problems(values: dict) -> dict[str, str]:
    """Return {field: reason} for every rule the donor's values break; empty when none.

    The one statement of these rules: the services refuse what breaks them and
    the form shows the same reasons next to its fields.
    """
    problems: dict[str, str] = {}
    kind = values.get("kind")
    if kind not in Donor.Kind.values:
        problems["kind"] = _("Pilih jenis donatur.")
    if not str(values.get("name") or "").strip():
        problems["name"] = _("Nama donatur wajib diisi.")
    nip = values.get("nip")
    if nip:
        try:
            parse_nip(nip)
        except IdentityError as exc:
            problems["nip"] = str(exc)
    if kind == Donor.Kind.CIVIL_SERVANT:
        if not nip:
            problems["nip"] = _("PNS wajib memiliki NIP.")
        if not values.get("opd"):
            problems["opd"] = _("PNS wajib memiliki OPD.")
        if values.get("position") not in Donor.Position.values:
            problems["position"] = _("Pilih eselon atau jabatan.")
    if kind == Donor.Kind.INSTITUTION and not values.get("institution_type"):
        problems["institution_type"] = _("Pilih jenis lembaga.")
    npwp_digits = "".join(ch for ch in str(values.get("npwp") or "") if ch.isdigit())
    if values.get("npwp") and len(npwp_digits) not in (15, 16):
        problems["npwp"] = _("NPWP harus 15 atau 16 angka.")
    if values.get("display") == Donor.Display.NAMED and not values.get("name_consent_on"):
        problems["name_consent_on"] = _(
            "Nama hanya boleh ditampilkan dengan persetujuan: isi tanggal persetujuannya."
        )
    return problems


def _donor_values(values: dict, *, current: Donor | None = None) -> dict:
    unknown = set(values) - set(DONOR_INPUT_FIELDS)
    if unknown:
        raise TypeError(f"unknown donor fields: {', '.join(sorted(unknown))}")
    merged = {name: getattr(current, name) for name in DONOR_INPUT_FIELDS} if current else {}
    merged.update(values)
    merged.setdefault("display", Donor.Display.ANONYMOUS)
    for name in DONOR_INPUT_FIELDS:
        value = merged.get(name)
        if isinstance(value, str):
            merged[name] = value.strip()
    problems = donor_problems(merged)
    if problems:
        field, message = next(iter(problems.items()))
        raise DonorError(message, errors=list(problems.values()), field=field)
    merged["nip"] = parse_nip(merged["nip"]).nip if merged.get("nip") else None
    for name in DONOR_INPUT_FIELDS:
        if merged.get(name) is None and name not in ("nip", "opd", "user", "name_consent_on"):
            merged[name] = ""
    return merged


def _donor_saved(donor: Donor) -> Donor:
    try:
        with transaction.atomic():
            donor.save()
    except IntegrityError:
        # The NIP (or login account) belongs to another donor already.
        raise DonorError(
            _("NIP atau akun login ini sudah dipakai donatur lain."), field="nip"
        ) from None
    return donor


@transaction.atomic
def donor_create(*, actor, **values) -> Donor:
    """Record a new donor; raise DonorError (naming the field) when a rule is broken."""
    donor = _donor_saved(Donor(**_donor_values(values)))
    audit_log(
        donor, "donors.donor.created", actor=actor, changes=diff({}, snapshot(donor, DONOR_FIELDS))
    )
    return donor


@transaction.atomic
def donor_update(*, donor: Donor, actor, **values) -> Donor:
    """Change a donor's details; the same rules as donor_create apply to the result."""
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    before = snapshot(donor, DONOR_FIELDS)
    for name, value in _donor_values(values, current=donor).items():
        setattr(donor, name, value)
    donor = _donor_saved(donor)
    audit_log(
        donor,
        "donors.donor.updated",
        actor=actor,
        changes=diff(before, snapshot(donor, DONOR_FIELDS)),
    )
    return donor


@transaction.atomic
def donor_add_by_name(*, kind: str, name: str, actor) -> Donor:
    """Register a donor from the gift form: a person, company or institution, by name."""
    if kind not in Donor.Kind.values:
        raise DonorError(_("Jenis donatur tidak dikenal."))
    if kind == Donor.Kind.CIVIL_SERVANT:
        raise DonorError(_("PNS didaftarkan dengan NIP dan OPD lewat halaman Donatur baru."))
    if not (name or "").strip():
        raise DonorError(_("Nama donatur wajib diisi."))
    return donor_create(actor=actor, kind=kind, name=name)


@transaction.atomic
def donor_merge(*, keep: Donor, duplicate: Donor, actor) -> Donor:
    """Fold `duplicate` into `keep`: gifts, enrolments and receipts move, nothing is lost."""
    if keep.pk == duplicate.pk:
        raise DonorError(_("Donatur tidak dapat digabung dengan dirinya sendiri."))
    first, second = sorted([keep.pk, duplicate.pk])
    locked = {d.pk: d for d in Donor.objects.select_for_update().filter(pk__in=[first, second])}
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if duplicate.merged_into_id or keep.merged_into_id:
        raise DonorError(_("Salah satu donatur sudah pernah digabung."))
    before_keep = snapshot(keep, DONOR_FIELDS)
    moved_contributions = list(duplicate.contributions.values_list("pk", flat=True))
    moved_enrolments = list(duplicate.enrolments.values_list("pk", flat=True))
    Contribution.objects.filter(pk__in=moved_contributions).update(donor=keep)
    Enrolment.objects.filter(pk__in=moved_enrolments).update(donor=keep)

    nip, user = duplicate.nip, duplicate.user
    duplicate.nip, duplicate.user = None, None
    duplicate.merged_into, duplicate.is_active = keep, False
    if duplicate.kind == Donor.Kind.CIVIL_SERVANT:
        # A PNS record must keep a NIP; the merged shell stays as an individual.
        duplicate.kind = Donor.Kind.INDIVIDUAL
    duplicate.save()
    for name, value in (("nip", nip), ("user", user)):
        if value and not getattr(keep, name):
            setattr(keep, name, value)
    for name in ("npwp", "email", "rank", "job_title", "phone", "address"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    if keep.opd_id is None and duplicate.opd_id:
        keep.opd_id = duplicate.opd_id
    keep.save()
    audit_log(
        keep,
        "donors.donor.merged",
        actor=actor,
        changes={
            **diff(before_keep, snapshot(keep, DONOR_FIELDS)),
            "merged_donor": duplicate.pk,
            "contributions": moved_contributions,
            "enrolments": moved_enrolments,
        },
    )
    audit_log(duplicate, "donors.donor.merged_away", actor=actor, changes={"merged_into": keep.pk})
    return keep


# --- OPD, schemes, enrolments ------------------------------------------------------------------
@transaction.atomic
def opd_create(*, code: str, name: str, is_active: bool = True, actor) -> Opd:
    """Record an OPD; its code is kept in capitals, once."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code or not name:
        raise DonorError(_("Kode dan nama OPD wajib diisi."), field="code" if not code else "name")
    if Opd.objects.filter(code=code).exists():
        raise DonorError(_("Kode OPD %(c)s sudah dipakai.") % {"c": code}, field="code")
    opd = Opd.objects.create(code=code, name=name, is_active=is_active)
    audit_log(
        opd,
        "donors.opd.created",
        actor=actor,
        changes=diff({}, snapshot(opd, ["code", "name", "is_active"])),
    )
    return opd


SCHEME_FIELDS = ["code", "name", "fund", "deposit_location", "description"]


@transaction.atomic
def scheme_create(
    *, code: str, name: str, fund, deposit_location, description: str = "", actor
) -> Scheme:
    """Record a monthly giving scheme paid into one fund (one scheme per fund)."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise DonorError(
            _("Kode dan nama skema wajib diisi."), field="code" if not code else "name"
        )
    if Scheme.objects.filter(code=code).exists():
        raise DonorError(_("Kode skema %(c)s sudah dipakai.") % {"c": code}, field="code")
    if Scheme.objects.filter(fund=fund).exists():
        raise DonorError(_("Dana ini sudah dipakai skema lain."), field="fund")
    scheme = Scheme.objects.create(
        code=code,
        name=name,
        fund=fund,
        deposit_location=deposit_location,
        description=(description or "").strip(),
    )
    audit_log(
        scheme,
        "donors.scheme.created",
        actor=actor,
        changes=diff({}, snapshot(scheme, SCHEME_FIELDS)),
    )
    return scheme


@transaction.atomic
def scheme_rate_add(
    *, scheme: Scheme, position: str, valid_from: dt.date, minimum_amount: Decimal, actor
) -> SchemeRate:
    """Set a new minimum for a position from a date on; earlier months keep the old one."""
    if minimum_amount <= 0:
        raise DonorError(_("Jumlah minimal harus lebih dari nol."))
    valid_from = month_start(valid_from)
    if SchemeRate.objects.filter(scheme=scheme, position=position, valid_from=valid_from).exists():
        raise DonorError(_("Tarif untuk jabatan ini pada bulan itu sudah ada."))
    rate = SchemeRate.objects.create(
        scheme=scheme, position=position, valid_from=valid_from, minimum_amount=minimum_amount
    )
    audit_log(
        rate,
        "donors.scheme_rate.created",
        actor=actor,
        changes=snapshot(rate, ["scheme", "position", "valid_from", "minimum_amount"]),
    )
    return rate


@transaction.atomic
def enrolment_create(
    *,
    donor: Donor,
    scheme: Scheme,
    monthly_amount: Decimal,
    start: dt.date,
    end: dt.date | None = None,
    actor,
) -> Enrolment:
    """Enrol a civil servant with their own monthly amount (at least the scheme's minimum)."""
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    if donor.kind != Donor.Kind.CIVIL_SERVANT or not donor.is_active:
        raise DonorError(_("Hanya PNS yang aktif dapat didaftarkan pada skema potongan gaji."))
    start = month_start(start)
    end = month_start(end) if end else None
    if end and end < start:
        raise DonorError(_("Bulan akhir tidak boleh sebelum bulan mulai."))
    minimum = scheme_minimum(scheme=scheme, position=donor.position, month=start)
    if minimum is not None and monthly_amount < minimum:
        raise DonorError(
            _("Jumlah per bulan paling sedikit %(min)s untuk %(pos)s.")
            % {"min": format_rupiah(minimum), "pos": donor.get_position_display() or "-"}
        )
    overlapping = Enrolment.objects.filter(donor=donor, scheme=scheme).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    if end:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise DonorError(_("Donatur sudah terdaftar pada skema ini untuk bulan-bulan tersebut."))
    enrolment = Enrolment.objects.create(
        donor=donor, scheme=scheme, monthly_amount=monthly_amount, start=start, end=end
    )
    audit_log(
        enrolment,
        "donors.enrolment.created",
        actor=actor,
        changes=snapshot(enrolment, ["donor", "scheme", "monthly_amount", "start", "end"]),
    )
    return enrolment


@transaction.atomic
def enrolment_end(*, enrolment: Enrolment, end: dt.date, actor) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    end = month_start(end)
    if end < enrolment.start:
        raise DonorError(_("Bulan akhir tidak boleh sebelum bulan mulai."))
    before = snapshot(enrolment, ["end"])
    enrolment.end = end
    enrolment.save(update_fields=["end"])
    audit_log(
        enrolment,
        "donors.enrolment.ended",
        actor=actor,
        changes=diff(before, snapshot(enrolment, ["end"])),
    )
    return enrolment


# --- Receipts ----------------------------------------------------------------------------------
def _receipt_numbers(year: int, count: int) -> range:
    """Take `count` consecutive numbers of `year` under the counter's row lock (gapless)."""
    try:
        with transaction.atomic():
            ReceiptCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass  # another transaction created this year's counter first
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    start = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return range(start, start + count)


def _receipts_issue(contribution_ids: list[int], *, fund, issued_on: dt.date) -> list[int]:
    """Number and create the receipts of contributions of one fund (in the caller's transaction)."""
    if not contribution_ids:
        return []
    is_zakat = get_organisation().is_zakat_body and ledger.fund_is_zakat(fund)
    numbers = _receipt_numbers(issued_on.year, len(contribution_ids))
    valid = Receipt.Status.VALID.value
    return insert_rows(
        Receipt,
        [
            "contribution_id",
            "year",
            "number",
            "issued_on",
            "is_zakat",
            "token",
            "status",
            "void_reason",
        ],
        [
            (cid, issued_on.year, n, issued_on, is_zakat, _public_token(), valid, "")
            for cid, n in zip(contribution_ids, numbers, strict=True)
        ],
    )


def _void_receipts(queryset, reason: str) -> int:
    return queryset.filter(status=Receipt.Status.VALID).update(
        status=Receipt.Status.VOID, void_reason=reason, voided_at=timezone.now()
    )


# --- Single gifts ------------------------------------------------------------------------------
@transaction.atomic
def gift_record(
    *,
    donor: Donor,
    fund,
    location,
    amount: Decimal,
    date: dt.date,
    channel: str,
    actor,
    proof=None,
    note: str = "",
    proof_file=None,
) -> Contribution:
    """Record a gift at the desk, by transfer or from an institution; post it; issue its receipt.

    `proof` is an upload to store; `proof_file` a proof already in the store
    (a CSR partner's transfer proof, checked when the partner sent it).
    """
    if amount is None or amount <= 0:
        raise DonorError(_("Jumlah sumbangan harus lebih dari nol."))
    if channel == Contribution.Channel.PAYROLL:
        raise DonorError(_("Potongan gaji dicatat lewat impor berkas gaji."))
    if channel == Contribution.Channel.TRANSFER and not (proof or proof_file):
        raise DonorError(_("Transfer bank wajib disertai bukti transfer."))
    # Money lands where it was really received: cash at the desk in the cash box, a transfer
    # in a bank account; otherwise the cash count and the bank reconciliation never agree.
    allowed = GIFT_CHANNEL_LOCATIONS.get(channel, ())
    if getattr(location, "kind", None) not in allowed:
        raise DonorError(
            _("%(channel)s tidak dapat diterima di %(location)s.")
            % {"channel": Contribution.Channel(channel).label, "location": location}
        )
    if not donor.is_active:
        raise DonorError(_("Donatur ini sudah digabung atau nonaktif."))
    if date > timezone.localdate():
        raise DonorError(_("Tanggal diterima tidak boleh di masa depan."))
    contribution = Contribution(
        donor=donor,
        fund=fund,
        location=location,
        amount=amount,
        date=date,
        channel=channel,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
        proof_file=proof_file,
    )
    if proof:
        try:
            contribution.proof_file = stored_file_save(
                upload=proof,
                purpose="donors.proof",
                allowed=("pdf", "jpeg", "png"),
                max_bytes=PROOF_MAX_BYTES,
                actor=actor,
            )
        except ValidationError as exc:
            raise DonorError(" ".join(exc.messages)) from None
    contribution.save()
    # The receipt's number first: the year's counter is taken before the ledger's
    # locks, in the order every booking takes them (decision 49).
    _receipts_issue([contribution.pk], fund=fund, issued_on=date)
    try:
        tx = ledger.contribution_record(
            fund=fund,
            location=location,
            amount=amount,
            date=date,
            description=_("Sumbangan %(channel)s dari %(donor)s")
            % {"channel": contribution.get_channel_display().lower(), "donor": donor.public_name},
            reference=contribution,
            actor=actor,
        )
    except ledger.LedgerError as exc:
        raise DonorError(str(exc)) from exc
    contribution.transaction = tx
    contribution.save(update_fields=["transaction"])
    audit_log(
        contribution,
        "donors.contribution.recorded",
        actor=actor,
        changes=snapshot(
            contribution,
            ["donor", "fund", "location", "amount", "date", "channel", "proof_file"],
        ),
    )
    return contribution


@transaction.atomic
def contribution_reverse(*, contribution: Contribution, reason: str, actor) -> Contribution:
    """Reverse a wrongly recorded gift in the ledger and void its receipt; delete nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise DonorError(_("Alasan pembatalan wajib diisi."))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status != Contribution.Status.RECORDED:
        raise DonorError(_("Sumbangan ini sudah dibatalkan."))
    if contribution.channel == Contribution.Channel.PAYROLL:
        # One ledger transaction carries the whole file; it is reversed as a whole.
        raise DonorError(
            _("Potongan gaji dibatalkan bersama seluruh berkas impornya."),
            link=reverse("donors:import_detail", args=[contribution.payroll_import_id]),
        )
    try:
        reversal = ledger.transaction_reverse(
            transaction=contribution.transaction,
            reason=reason,
            actor=actor,
            reference=contribution,
        )
    except ledger.LedgerError as exc:
        raise DonorError(str(exc)) from exc
    contribution.status = Contribution.Status.REVERSED
    contribution.reversal_transaction = reversal
    contribution.reversal_reason = reason
    contribution.save(update_fields=["status", "reversal_transaction", "reversal_reason"])
    _void_receipts(Receipt.objects.filter(contribution=contribution), reason)
    audit_log(
        contribution,
        "donors.contribution.reversed",
        actor=actor,
        changes={"status": ["recorded", "reversed"], "reason": reason},
    )
    return contribution


# --- Payroll imports -------------------------------------------------------------------------
def _committed_import(*, opd: Opd, scheme: Scheme, period: dt.date):
    return PayrollImport.objects.filter(
        status=PayrollImport.Status.COMMITTED, opd=opd, scheme=scheme, period=period
    ).first()


def _same_file_warning(*, sha256: str, period: dt.date) -> str:
    """Warn when the very same bytes were booked for another month.

    Not refused: an OPD whose staff and amounts did not change sends identical
    files month after month. The same OPD and month twice is refused instead.
    """
    other = (
        PayrollImport.objects.filter(status=PayrollImport.Status.COMMITTED, sha256=sha256)
        .exclude(period=period)
        .select_related("opd")
        .first()
    )
    if other is None:
        return ""
    return _(
        "Isi berkas sama persis dengan berkas %(opd)s bulan %(month)s yang sudah dibukukan: "
        "pastikan bulannya benar."
    ) % {"opd": other.opd.code, "month": f"{other.period:%m/%Y}"}


def _refuse_twice(first: PayrollImport) -> DonorError:
    return DonorError(
        _("Potongan gaji %(opd)s bulan %(month)s sudah dibukukan pada %(when)s.")
        % {
            "opd": first.opd.code,
            "month": f"{first.period:%m/%Y}",
            "when": timezone.localtime(first.committed_at).strftime("%d-%m-%Y %H:%M")
            if first.committed_at
            else "-",
        },
        link=reverse("donors:import_detail", args=[first.pk]),
    )


def payroll_import_prepare(
    *,
    data: bytes,
    filename: str,
    opd: Opd,
    scheme: Scheme,
    period: dt.date,
    received_on: dt.date,
    expected_count: int | None,
    expected_total: Decimal | None,
    actor,
    location=None,
) -> tuple[PayrollImport | None, PayrollCheck]:
    """Check an uploaded file; when every row is right keep it as a draft to preview.

    A file with any error is not kept at all: the caller shows the errors.
    """
    period = month_start(period)
    sha256 = hashlib.sha256(data).hexdigest()
    first = _committed_import(opd=opd, scheme=scheme, period=period)
    if first is not None:
        raise _refuse_twice(first)
    check = payroll_file_check(
        data=data,
        filename=filename,
        opd=opd,
        scheme=scheme,
        period=period,
        expected_count=expected_count,
        expected_total=expected_total,
    )
    if not check.ok:
        return None, check
    warning = _same_file_warning(sha256=sha256, period=period)
    if warning:
        check.warnings.append(warning)
    with transaction.atomic():
        draft = PayrollImport.objects.create(
            opd=opd,
            scheme=scheme,
            period=period,
            location=location or scheme.deposit_location,
            received_on=received_on,
            filename=filename[:255],
            file=stored_file_save(
                upload=data,
                purpose="donors.payroll",
                allowed=("csv", "xlsx"),
                max_bytes=max(len(data), 1),
                actor=actor,
            ),
            sha256=sha256,
            expected_count=expected_count,
            expected_total=expected_total,
            row_count=check.count,
            total_amount=check.total,
            new_donor_count=check.new_donor_count,
            flagged_count=check.flagged_count,
            preview=check.summary(),
            parsed_rows=rows_to_json(check),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_log(
            draft,
            "donors.payroll_import.checked",
            actor=actor,
            changes={"rows": check.count, "total": check.total, "file": filename[:255]},
        )
    return draft, check


def payroll_import_confirm(*, payroll_import: PayrollImport, actor) -> Job:
    """Start booking a previewed file: one job, its task queued when this transaction commits.

    The import's row lock makes a second confirmation (a double click, two
    fund managers) wait and then get the first job back instead of starting
    another. After a failed job the file may be confirmed again.
    """
    from donors.tasks import payroll_import_commit_task

    if not getattr(actor, "is_authenticated", False) or not actor.has_role(Role.FUND_MANAGER):
        raise DonorError(_("Berkas gaji dibukukan oleh pengelola dana."))
    with transaction.atomic():
        imp = (
            PayrollImport.objects.select_for_update(of=("self",))
            .defer("content")
            .get(pk=payroll_import.pk)
        )
        if imp.status != PayrollImport.Status.DRAFT:
            raise DonorError(_("Impor ini sudah diproses."))
        running = Job.objects.filter(pk=imp.job_id).exclude(status=Job.Status.FAILED).first()
        if running is not None:
            return running
        job = Job.objects.create(
            kind="donors.payroll_import", created_by=actor, total=imp.row_count
        )
        imp.job = job
        imp.save(update_fields=["job"])
        audit_log(imp, "donors.import.confirmed", actor=actor, changes={"job": job.pk})
        ids = (imp.pk, job.pk, actor.pk)
        transaction.on_commit(lambda: payroll_import_commit_task.delay(*ids))
    return job


def payroll_import_commit(
    *,
    payroll_import: PayrollImport,
    actor,
    progress: Callable[[int, int], None] | None = None,
) -> PayrollImport:
    """Book a previewed file: donors, enrolments, contributions, one ledger transaction, receipts.

    All or nothing: everything happens in one database transaction, and the
    rows are checked again (the data may have changed since the preview).
    """
    with transaction.atomic():
        imp = (
            PayrollImport.objects.select_for_update(of=("self",))
            .select_related("opd", "scheme__fund", "location")
            .defer("content")
            .get(pk=payroll_import.pk)
        )
        if imp.status != PayrollImport.Status.DRAFT:
            if imp.status == PayrollImport.Status.COMMITTED:
                return imp  # a second run of the same task changes nothing
            raise DonorError(_("Impor ini tidak lagi dapat dibukukan."))
        # Two files of one OPD booked at once: the OPD's row lock makes the second
        # wait, then see the first and be refused (instead of racing on new donors).
        Opd.objects.select_for_update().filter(pk=imp.opd_id).first()
        first = _committed_import(opd=imp.opd, scheme=imp.scheme, period=imp.period)
        if first is not None:
            raise _refuse_twice(first)
        check = payroll_rows_match(
            rows_from_json(imp.parsed_rows),
            opd=imp.opd,
            scheme=imp.scheme,
            period=imp.period,
            expected_count=imp.expected_count,
            expected_total=imp.expected_total,
        )
        if not check.ok:
            raise DonorError(_("Berkas tidak lagi lolos pemeriksaan."), errors=check.errors)
        if check.count != imp.row_count or check.total != imp.total_amount:
            raise DonorError(_("Data berubah sejak pratinjau: unggah berkas sekali lagi."))
        if progress:
            progress(0, check.count)
        # Counted before booking: booking gives the new donors their ids, after which
        # the check no longer sees them as new (the page said "0 new donors").
        new_donor_count = check.new_donor_count
        try:
            with transaction.atomic():
                _payroll_rows_book(imp, check, actor=actor, progress=progress)
        except IntegrityError:
            # Another OPD's file created one of these new donors meanwhile.
            raise DonorError(
                _("Data berubah sejak pratinjau: unggah berkas sekali lagi.")
            ) from None
        imp.status = PayrollImport.Status.COMMITTED
        imp.committed_at = timezone.now()
        imp.new_donor_count = new_donor_count
        imp.flagged_count = check.flagged_count
        try:
            with transaction.atomic():
                imp.save(
                    update_fields=[
                        "status",
                        "committed_at",
                        "transaction",
                        "new_donor_count",
                        "flagged_count",
                    ]
                )
        except IntegrityError:
            # The unique (OPD, month) key: another file of this month was booked meanwhile.
            first = _committed_import(opd=imp.opd, scheme=imp.scheme, period=imp.period)
            raise _refuse_twice(first) from None
        audit_log(
            imp,
            "donors.payroll_import.committed",
            actor=actor,
            changes={
                "rows": check.count,
                "total": check.total,
                "new_donors": new_donor_count,
                "flagged": check.flagged_count,
                "transaction": imp.transaction_id,
            },
        )
        # Booked: the rows live in the contributions now, the file has served its purpose.
        if imp.file_id:
            stored_file_delete(stored=imp.file, actor=actor)
    return imp


DONOR_COLUMNS = [
    "kind",
    "name",
    "nip",
    "rank",
    "position",
    "job_title",
    "opd_id",
    "npwp",
    "institution_type",
    "email",
    "phone",
    "address",
    "display",
    "name_consent_on",
    "user_id",
    "merged_into_id",
    "is_active",
    "created_at",
]


def _payroll_rows_book(imp: PayrollImport, check: PayrollCheck, *, actor, progress) -> None:
    scheme, opd, period, received_on = imp.scheme, imp.opd, imp.period, imp.received_on
    creator = actor if getattr(actor, "pk", None) else None
    new_rows = [r for r in check.rows if r.is_new_donor]
    now = timezone.now()
    if new_rows:
        # Written as plain tuples (COPY on PostgreSQL): building 15.000 model instances
        # for bulk_create cost ~4 s. Every column is named, with the model's defaults;
        # phone and address are blank, stored as their field stores a blank.
        blank_secret = Donor._meta.get_field("phone").get_prep_value("")
        kind, staff = Donor.Kind.CIVIL_SERVANT.value, Donor.Position.STAFF.value
        anonymous = Donor.Display.ANONYMOUS.value
        donor_ids = insert_rows(
            Donor,
            DONOR_COLUMNS,
            [
                (kind, r.name, r.nip, "", staff, "", opd.pk, "", "", "")
                + (blank_secret, blank_secret, anonymous, None, None, None, True, now)
                for r in new_rows
            ],
        )
        for row, donor_id in zip(new_rows, donor_ids, strict=True):
            row.donor_id = donor_id
    to_enrol = [r for r in check.rows if r.needs_enrolment]
    enrolment_ids = insert_rows(
        Enrolment,
        ["donor_id", "scheme_id", "monthly_amount", "start", "created_at"],
        [(r.donor_id, scheme.pk, r.amount, period, now) for r in to_enrol],
    )
    for row, enrolment_id in zip(to_enrol, enrolment_ids, strict=True):
        row.enrolment_id = enrolment_id
    payroll, recorded = Contribution.Channel.PAYROLL.value, Contribution.Status.RECORDED.value
    creator_id = creator.pk if creator else None
    # The ledger last (decision 49): the rows name their transaction's key, taken now.
    key = ledger.transaction_key_reserve()
    # The preview's notes speak of what will happen; once booked they say what was done.
    booked = {
        _("Donatur baru: akan dibuat dan didaftarkan pada skema."): _(
            "Donatur baru: dibuat dan didaftarkan pada skema."
        ),
        _("Belum terdaftar pada skema: akan didaftarkan."): _("Didaftarkan pada skema."),
    }
    contribution_ids = insert_rows(
        Contribution,
        [
            "donor_id",
            "fund_id",
            "location_id",
            "amount",
            "date",
            "period",
            "channel",
            "status",
            "payroll_import_id",
            "enrolment_id",
            "flag",
            "note",
            "proof",
            "transaction_id",
            "reversal_reason",
            "created_by_id",
            "created_at",
        ],
        [
            (
                r.donor_id,
                scheme.fund_id,
                imp.location_id,
                r.amount,
                received_on,
                period,
                payroll,
                recorded,
                imp.pk,
                r.enrolment_id,
                "; ".join(booked.get(f, f) for f in r.flags)[:200],
                "",
                "",
                key,  # None on SQLite: linked below, once the ledger is posted
                "",
                creator_id,
                now,
            )
            for r in check.rows
        ],
    )
    if progress:
        progress(check.count // 2, check.count)
    _receipts_issue(contribution_ids, fund=scheme.fund, issued_on=received_on)
    # Every writer of this fund and bank, and from the chain head on every writer of
    # the ledger, waits while this file holds them: the 30.000 rows above and their
    # foreign-key checks are done before the ledger is touched.
    deferred_checks_now(
        tables=["donors_donor", "donors_enrolment", "donors_contribution", "donors_receipt"],
        keep_deferred_to="funds_transaction",
    )
    try:
        tx = ledger.contribution_record(
            fund=scheme.fund,
            location=imp.location,
            amount=check.total,
            date=received_on,
            description=_("Potongan gaji %(scheme)s %(opd)s bulan %(month)s (%(n)d PNS)")
            % {
                "scheme": scheme.code.upper(),
                "opd": opd.code,
                "month": f"{period:%m/%Y}",
                "n": check.count,
            },
            reference=imp,
            actor=actor,
            key=key,
        )
    except ledger.LedgerError as exc:
        raise DonorError(str(exc)) from exc
    imp.transaction = tx
    if key is None:
        Contribution.objects.filter(payroll_import=imp, transaction__isnull=True).update(
            transaction=tx
        )
    if progress:
        progress(check.count, check.count)
    if new_rows:
        audit_log(
            imp,
            "donors.donor.created_from_payroll",
            actor=actor,
            changes={"nips": [r.nip for r in new_rows]},
        )


@transaction.atomic
def payroll_import_reverse(*, payroll_import: PayrollImport, reason: str, actor) -> PayrollImport:
    """Reverse a booked file as a whole: ledger reversal, every receipt void; nothing deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise DonorError(_("Alasan pembatalan wajib diisi."))
    imp = PayrollImport.objects.select_for_update().get(pk=payroll_import.pk)
    if imp.status != PayrollImport.Status.COMMITTED:
        raise DonorError(_("Hanya impor yang sudah dibukukan dapat dibatalkan."))
    try:
        reversal = ledger.transaction_reverse(
            transaction=imp.transaction, reason=reason, actor=actor, reference=imp
        )
    except ledger.LedgerError as exc:
        raise DonorError(str(exc)) from exc
    imp.status = PayrollImport.Status.REVERSED
    imp.reversal_transaction = reversal
    imp.reversal_reason = reason
    imp.save(update_fields=["status", "reversal_transaction", "reversal_reason"])
    imp.contributions.filter(status=Contribution.Status.RECORDED).update(
        status=Contribution.Status.REVERSED, reversal_transaction=reversal, reversal_reason=reason
    )
    voided = _void_receipts(Receipt.objects.filter(contribution__payroll_import=imp), reason)
    audit_log(
        imp,
        "donors.payroll_import.reversed",
        actor=actor,
        changes={"status": ["committed", "reversed"], "reason": reason, "receipts_voided": voided},
    )
    return imp
