"""Screens of disbursements. Views are short: permission, form, service, message, redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Household
from beneficiaries.selectors import household_search
from core.exports import table_export_response
from core.organisation import get_organisation
from core.pdf import pdf_response
from core.permissions import public_view, require_write, staff_view
from core.roles import Role
from core.tables import RequestConfig
from disbursements import selectors
from disbursements.errors import DisbursementError
from disbursements.filters import RequestFilter
from disbursements.forms import BatchForm, EvidenceForm, PaymentForm, ReasonForm, RequestForm
from disbursements.models import Batch, DisbursementRequest, Evidence
from disbursements.services import (
    batch_approve,
    batch_create,
    batch_pay,
    disbursement_approve,
    disbursement_cancel,
    disbursement_check,
    disbursement_close,
    disbursement_create,
    disbursement_pay,
    disbursement_reject,
    disbursement_reverse,
    evidence_add,
    fund_suggest,
    missing_evidence,
)
from disbursements.tables import CoverageTable, RequestTable, UnservedTable
from funds.selectors import fund_balances

READERS = [Role.VERIFIER, Role.FUND_MANAGER, Role.TREASURER, Role.HEAD]
REQUESTERS = [Role.VERIFIER, Role.FUND_MANAGER]
APPROVERS = [Role.TREASURER, Role.HEAD]
PAYERS = [Role.TREASURER]
PROVERS = [Role.VERIFIER, Role.FUND_MANAGER, Role.TREASURER]
CLOSERS = [Role.TREASURER, Role.HEAD, Role.FUND_MANAGER]
CANCELLERS = [Role.VERIFIER, Role.FUND_MANAGER, Role.TREASURER, Role.HEAD]


# --- permission helpers, one per object type ----------------------------------------------------
def _get_request_for_user(request, pk: int, write=None) -> DisbursementRequest:
    try:
        req = selectors.request_detail(pk=pk)
    except DisbursementRequest.DoesNotExist:
        raise Http404 from None
    if write:
        require_write(request, write)
    return req


def _get_household_for_user(request, pk: int) -> Household:
    return get_object_or_404(Household.objects.select_related("village__parent"), pk=pk)


def _get_batch_for_user(request, pk: int, write=None) -> Batch:
    batch = get_object_or_404(selectors.batch_list(), pk=pk)
    if write:
        require_write(request, write)
    return batch


def _fail(request, exc: DisbursementError) -> None:
    for problem in exc.problems:
        messages.error(request, problem)


# --- lists --------------------------------------------------------------------------------------
@staff_view(read=READERS)
def request_list(request):
    found = RequestFilter(request.GET, queryset=selectors.request_list())
    table = RequestTable(found.qs)
    RequestConfig(request, paginate={"per_page": 50, "lazy": True}).configure(table)
    export = table_export_response(request, table, "permohonan-bantuan")
    if export is not None:
        return export
    stale = selectors.requests_open_too_long().count()
    return render(
        request,
        "disbursements/request_list.html",
        {"filter": found, "table": table, "stale": stale, "policy": selectors.policy_get()},
    )


@staff_view(read=READERS)
def approval_queue(request):
    table = RequestTable(selectors.approval_queue(user=request.user))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export = table_export_response(request, table, "antrean-persetujuan")
    if export is not None:
        return export
    funds = list(fund_balances(active_only=True))
    return render(
        request,
        "disbursements/approval_queue.html",
        {"table": table, "funds": funds, "policy": selectors.policy_get()},
    )


@staff_view(read=READERS)
def payment_queue(request):
    table = RequestTable(selectors.payment_queue())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export = table_export_response(request, table, "daftar-pembayaran")
    if export is not None:
        return export
    return render(request, "disbursements/payment_queue.html", {"table": table})


@staff_view(read=READERS)
def household_history(request, pk: int):
    household = _get_household_for_user(request, pk)
    table = RequestTable(selectors.household_aid_history(household=household))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export = table_export_response(request, table, f"riwayat-bantuan-{household.pk}")
    if export is not None:
        return export
    return render(
        request,
        "disbursements/household_history.html",
        {
            "household": household,
            "table": table,
            "goods": selectors.household_inkind_history(household=household)[:100],
        },
    )


@staff_view(read=READERS)
def programme_dashboard(request):
    year = request.GET.get("tahun") or ""
    # A year outside what a calendar can hold is taken as no year at all.
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    data = selectors.programme_dashboard(year=year)
    return render(request, "disbursements/dashboard.html", {"data": data, "year": year})


@staff_view(read=READERS)
def coverage(request):
    prefix = (request.GET.get("wilayah") or "").strip()
    rows = selectors.coverage_by_desa(prefix=prefix, households_paid=False)
    table = CoverageTable(rows)
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    desa = (request.GET.get("desa") or "").strip()
    unserved = None
    if desa:
        unserved = UnservedTable(selectors.unserved_households(desa=desa))
        RequestConfig(request, paginate={"per_page": 50}).configure(unserved)
        export = table_export_response(request, unserved, f"belum-dibantu-{desa}")
    else:
        export = table_export_response(request, table, "cakupan-bantuan")
    if export is not None:
        return export
    return render(
        request,
        "disbursements/coverage.html",
        {"table": table, "unserved": unserved, "desa": desa, "prefix": prefix},
    )


# --- asking -------------------------------------------------------------------------------------
def _request_form(request, household):
    zakat = get_organisation().is_zakat_body
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, household=household, zakat=zakat)
    return form


def _check_of(form, household):
    """Run the live check on what the form holds so far (nothing is written)."""
    data = form.data
    try:
        programme = form.fields["programme"].clean(data.get("programme"))
        fund = form.fields["fund"].clean(data.get("fund"))
        member = form.fields["member"].clean(data.get("member") or None)
    except Exception:  # incomplete form: nothing to check yet
        return None, []
    result = disbursement_check(
        programme=programme,
        household=household,
        member=member,
        fund=fund,
        amount=data.get("amount") or "0",
        payee_kind=data.get("payee_kind", ""),
        asnaf=data.get("asnaf", ""),
    )
    return result, fund_suggest(programme=programme, household=household, amount=data.get("amount"))


@staff_view(read=READERS, write=REQUESTERS)
def request_new(request):
    pk = request.GET.get("household") or request.POST.get("household")
    household = None
    if pk and str(pk).isdigit():
        household = Household.objects.select_related("village__parent").filter(pk=pk).first()
    if household is None:
        q = (request.GET.get("q") or "").strip()
        found = household_search(q=q)[:20] if q else []
        return render(request, "disbursements/request_pick.html", {"q": q, "found": found})
    form = _request_form(request, household)
    check, suggested = (None, [])
    if request.method == "POST":
        check, suggested = _check_of(form, household)
        if "submit" in request.POST and form.is_valid():
            data = form.cleaned_data
            try:
                req = disbursement_create(
                    programme=data["programme"],
                    household=household,
                    member=data["member"],
                    fund=data["fund"],
                    amount=data["amount"],
                    payee_kind=data["payee_kind"],
                    payee_name=data["payee_name"],
                    payee_account=data["payee_account"],
                    asnaf=data.get("asnaf", ""),
                    note=data["note"],
                    publication_consent=data["publication_consent"],
                    photos_consent=data["photos_consent"],
                    actor=request.user,
                )
            except DisbursementError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Permohonan %(n)s diajukan.") % {"n": req.number})
                return redirect("disbursements:request", pk=req.pk)
    return render(
        request,
        "disbursements/request_form.html",
        {"form": form, "household": household, "check": check, "suggested": suggested},
    )


@staff_view(read=READERS, write=REQUESTERS, post_only=True)
def request_check(request):
    """Answer the form's live check (htmx): each refusal in plain Indonesian."""
    pk = request.POST.get("household") or ""
    household = Household.objects.filter(pk=pk).first() if pk.isdigit() else None
    if household is None:
        return render(request, "disbursements/_check.html", {"check": None})
    form = _request_form(request, household)
    check, suggested = _check_of(form, household)
    return render(request, "disbursements/_check.html", {"check": check, "suggested": suggested})


# --- one request --------------------------------------------------------------------------------
@staff_view(read=READERS)
def request_detail(request, pk: int):
    req = _get_request_for_user(request, pk)
    context = {
        "req": req,
        "missing": missing_evidence(req),
        "reason_form": ReasonForm(),
        "evidence_form": EvidenceForm(),
        "payments": list(req.payments.all()),
        "evidence": list(req.evidence.all()),
    }
    return render(request, "disbursements/request_detail.html", context)


@staff_view(read=READERS, write=APPROVERS, post_only=True)
def request_approve(request, pk: int):
    req = _get_request_for_user(request, pk, write=APPROVERS)
    try:
        req = disbursement_approve(request=req, actor=request.user)
    except DisbursementError as exc:
        _fail(request, exc)
    else:
        if req.status == DisbursementRequest.Status.AWAITING_HEAD:
            messages.success(request, _("Disetujui; menunggu persetujuan kedua oleh kepala UPT."))
        else:
            messages.success(request, _("Disetujui; dana dicadangkan."))
    return redirect("disbursements:request", pk=pk)


def _with_reason(request, pk: int, *, writers, service, done: str):
    """Run a transition that needs the officer's reason, then go back to the request."""
    req = _get_request_for_user(request, pk, write=writers)
    try:
        service(request=req, actor=request.user, reason=request.POST.get("reason", ""))
    except DisbursementError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("disbursements:request", pk=pk)


@staff_view(read=READERS, write=APPROVERS, post_only=True)
def request_reject(request, pk: int):
    return _with_reason(
        request, pk, writers=APPROVERS, service=disbursement_reject, done=_("Permohonan ditolak.")
    )


@staff_view(read=READERS, write=CANCELLERS, post_only=True)
def request_cancel(request, pk: int):
    return _with_reason(
        request,
        pk,
        writers=CANCELLERS,
        service=disbursement_cancel,
        done=_("Permohonan dibatalkan."),
    )


@staff_view(read=READERS, write=APPROVERS, post_only=True)
def request_reverse(request, pk: int):
    return _with_reason(
        request,
        pk,
        writers=APPROVERS,
        service=disbursement_reverse,
        done=_("Pembayaran dibalik di buku besar."),
    )


@staff_view(read=READERS, write=PAYERS)
def request_pay(request, pk: int):
    req = _get_request_for_user(request, pk, write=PAYERS if request.method == "POST" else None)
    form = PaymentForm(
        request.POST or None, initial={"amount": "", "payee_account": req.payee_account}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disbursement_pay(request=req, actor=request.user, **data)
        except DisbursementError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Pembayaran dicatat dan dibukukan."))
            return redirect("disbursements:request", pk=pk)
    return render(request, "disbursements/pay_form.html", {"req": req, "form": form})


@staff_view(read=READERS, write=PROVERS, post_only=True)
def evidence_upload(request, pk: int):
    req = _get_request_for_user(request, pk, write=PROVERS)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih jenis bukti dan berkasnya."))
        return redirect("disbursements:request", pk=pk)
    try:
        evidence_add(
            request=req,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
            actor=request.user,
        )
    except DisbursementError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Bukti tersimpan."))
    return redirect("disbursements:request", pk=pk)


@staff_view(read=READERS)
def evidence_file(request, pk: int):
    from core.uploads import stored_file_response

    evidence = get_object_or_404(Evidence.objects.select_related("stored", "request"), pk=pk)
    return stored_file_response(
        request,
        evidence.stored,
        filename=f"{evidence.request.number}-{evidence.kind}",
        inline=True,
    )


@staff_view(read=READERS, write=CLOSERS, post_only=True)
def request_close(request, pk: int):
    req = _get_request_for_user(request, pk, write=CLOSERS)
    try:
        disbursement_close(request=req, actor=request.user)
    except DisbursementError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Permohonan selesai; sisa dana dilepas."))
    return redirect("disbursements:request", pk=pk)


# --- documents ----------------------------------------------------------------------------------
@staff_view(read=READERS)
def request_spm(request, pk: int):
    from disbursements.documents import spm_pdf

    req = _get_request_for_user(request, pk)
    if req.status not in DisbursementRequest.PAYABLE | {"paid", "closed"}:
        messages.error(request, _("SPM dibuat setelah permohonan disetujui."))
        return redirect("disbursements:request", pk=pk)
    return pdf_response(spm_pdf(req, request=request), f"SPM-{req.number}")


@staff_view(read=READERS)
def request_bast(request, pk: int):
    from disbursements.documents import bast_pdf

    req = _get_request_for_user(request, pk)
    if req.status not in DisbursementRequest.PAYABLE | {"paid", "closed"}:
        messages.error(request, _("BAST dibuat setelah permohonan disetujui."))
        return redirect("disbursements:request", pk=pk)
    return pdf_response(bast_pdf(req, request=request), f"BAST-{req.number}")


@public_view
def public_check(request, token: str):
    """Show that a payment order or handover record is genuine; nothing personal."""
    req = (
        DisbursementRequest.objects.select_related("programme", "fund")
        .filter(check_token=token)
        .first()
    )
    return render(
        request, "disbursements/public_check.html", {"req": req}, status=200 if req else 404
    )


# --- batches ------------------------------------------------------------------------------------
@staff_view(read=READERS, write=REQUESTERS)
def batch_new(request):
    form = BatchForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = batch_create(
                data=upload.read(),
                filename=upload.name,
                programme=form.cleaned_data["programme"],
                fund=form.cleaned_data["fund"],
                actor=request.user,
            )
        except DisbursementError as exc:
            for problem in exc.problems[:50]:
                form.add_error(None, problem)
            preview = exc.problems
        else:
            messages.success(
                request,
                ngettext(
                    "Batch %(n)s diajukan: %(c)s baris.",
                    "Batch %(n)s diajukan: %(c)s baris.",
                    batch.lines,
                )
                % {"n": batch.number, "c": batch.lines},
            )
            return redirect("disbursements:batch", pk=batch.pk)
    batches = selectors.batch_list()[:20]
    return render(
        request,
        "disbursements/batch_new.html",
        {"form": form, "preview": preview, "batches": batches},
    )


@staff_view(read=READERS)
def batch_detail(request, pk: int):
    batch = _get_batch_for_user(request, pk)
    table = RequestTable(selectors.request_list().filter(batch=batch).order_by("batch_line"))
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    export = table_export_response(request, table, f"batch-{batch.number}")
    if export is not None:
        return export
    schools = batch.requests.values_list("payee_name", flat=True).distinct().order_by("payee_name")
    return render(
        request,
        "disbursements/batch_detail.html",
        {"batch": batch, "table": table, "schools": list(schools), "pay_form": PaymentForm()},
    )


@staff_view(read=READERS, write=APPROVERS, post_only=True)
def batch_approve_view(request, pk: int):
    batch = _get_batch_for_user(request, pk, write=APPROVERS)
    try:
        batch_approve(batch=batch, actor=request.user)
    except DisbursementError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Batch disetujui; dana dicadangkan."))
    return redirect("disbursements:batch", pk=pk)


@staff_view(read=READERS, write=PAYERS, post_only=True)
def batch_pay_view(request, pk: int):
    batch = _get_batch_for_user(request, pk, write=PAYERS)
    form = PaymentForm(request.POST, initial={})
    form.fields["amount"].required = False
    if not form.is_valid():
        messages.error(request, _("Lengkapi tempat uang, cara bayar dan tanggal."))
        return redirect("disbursements:batch", pk=pk)
    data = form.cleaned_data
    try:
        paid = batch_pay(
            batch=batch,
            actor=request.user,
            location=data["location"],
            method=data["method"],
            date=data["date"],
            bank_reference=data["bank_reference"],
            payee_name=request.POST.get("school", ""),
            idempotency_key=data["idempotency_key"],
        )
    except DisbursementError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request, ngettext("%(n)s baris dibayar.", "%(n)s baris dibayar.", paid) % {"n": paid}
        )
    return redirect("disbursements:batch", pk=pk)


def _today() -> dt.date:
    return timezone.localdate()
