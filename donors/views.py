from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exports import table_export_response
from core.models import Job
from core.pdf import official_document, pdf_response
from core.permissions import public_view, require_write, staff_view
from core.roles import Role
from core.tables import RequestConfig
from donors import services
from donors.documents import receipts_pdf, statement_pdf
from donors.errors import DonorError
from donors.filters import ContributionFilter, DonorFilter, PayrollImportFilter
from donors.forms import (
    DonorForm,
    EnrolmentForm,
    GiftForm,
    MergeForm,
    OpdForm,
    PayrollUploadForm,
    ReasonForm,
    SchemeForm,
    SchemeRateForm,
)
from donors.models import Contribution, Donor, Opd, PayrollImport, Receipt, Scheme
from donors.payroll import parse_period
from donors.selectors import (
    arrears_for_month,
    contribution_list,
    contributions_of_user,
    donor_list,
    donor_statement,
    donor_statement_years,
    latest_due_month,
    receipt_for_public,
    receipts_of_import,
)
from donors.tables import ContributionTable, DonorTable, OpdTable, PayrollImportTable

# Who works with donors: the fund manager writes; treasurer and head read.
READ = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD]
WRITE = [Role.FUND_MANAGER]
# A contributor may open a receipt or statement, but only their own (object helpers).
READ_OWN = [*READ, Role.CONTRIBUTOR]


def _staff(user) -> bool:
    return bool(user.roles & {*READ, Role.AUDITOR, Role.ADMIN})


def _error(request: HttpRequest, exc: DonorError) -> None:
    messages.error(request, exc.message)
    for line in exc.errors[:20]:
        messages.error(request, line)


def _form_error(form, exc: DonorError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- Object-level helpers (one per object type) --------------------------------------------
def _get_donor_for_user(request: HttpRequest, pk: int, write: bool = False) -> Donor:
    donor = get_object_or_404(Donor.objects.select_related("opd", "user"), pk=pk)
    if not _staff(request.user) and donor.user_id != request.user.pk:
        raise Http404
    if write:
        require_write(request, WRITE)
    return donor


def _get_receipt_for_user(request: HttpRequest, pk: int) -> Receipt:
    receipt = get_object_or_404(
        Receipt.objects.select_related("contribution__donor", "contribution__fund"), pk=pk
    )
    if not _staff(request.user) and receipt.contribution.donor.user_id != request.user.pk:
        raise Http404
    return receipt


def _get_contribution_for_user(request: HttpRequest, pk: int, write: bool = False) -> Contribution:
    contribution = get_object_or_404(contribution_list(), pk=pk)
    if not _staff(request.user):
        raise Http404
    if write:
        require_write(request, WRITE)
    return contribution


def _get_import_for_user(request: HttpRequest, pk: int, write: bool = False) -> PayrollImport:
    imp = get_object_or_404(PayrollImport.objects.select_related("opd", "scheme", "job"), pk=pk)
    if write:
        require_write(request, WRITE)
    return imp


# --- Donors ----------------------------------------------------------------------------------
@staff_view(read=READ, write=WRITE)
def donor_index(request):
    filtered = DonorFilter(request.GET, queryset=donor_list())
    table = DonorTable(filtered.qs)
    RequestConfig(request, paginate={"per_page": 50, "lazy": True}).configure(table)
    export = table_export_response(request, table, "donatur")
    if export is not None:
        return export
    return render(request, "donors/donor_list.html", {"filter": filtered, "table": table})


@staff_view(read=READ, write=WRITE)
def donor_create(request):
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donor = services.donor_create(actor=request.user, **form.cleaned_data)
        except DonorError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Donatur disimpan."))
            return redirect("donors:donor_detail", pk=donor.pk)
    return render(request, "donors/form.html", {"form": form, "title": _("Donatur baru")})


@staff_view(read=READ, write=WRITE)
def donor_edit(request, pk: int):
    donor = _get_donor_for_user(request, pk, write=request.method == "POST")
    form = DonorForm(request.POST or None, instance=donor)
    if request.method == "POST" and form.is_valid():
        try:
            services.donor_update(donor=donor, actor=request.user, **form.cleaned_data)
        except DonorError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Donatur disimpan."))
            return redirect("donors:donor_detail", pk=donor.pk)
    return render(
        request, "donors/form.html", {"form": form, "title": _("Ubah donatur"), "back": donor}
    )


@staff_view(read=READ, write=WRITE)
def donor_detail(request, pk: int):
    donor = _get_donor_for_user(request, pk)
    year = _year(request)
    return render(
        request,
        "donors/donor_detail.html",
        {
            "donor": donor,
            "statement": donor_statement(donor=donor, year=year),
            "years": donor_statement_years(donor=donor),
            "enrolments": donor.enrolments.select_related("scheme"),
            "merged": donor.merged_donors.all(),
            "enrol_form": EnrolmentForm(),
            "merge_form": MergeForm(keep=donor),
        },
    )


@staff_view(read=READ, write=WRITE, post_only=True)
def donor_merge(request, pk: int):
    keep = _get_donor_for_user(request, pk, write=True)
    form = MergeForm(request.POST, keep=keep)
    if form.is_valid():
        try:
            services.donor_merge(
                keep=keep, duplicate=form.cleaned_data["duplicate"], actor=request.user
            )
            messages.success(request, _("Donatur ganda digabung; riwayatnya ikut pindah."))
        except DonorError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Pilih donatur ganda yang akan digabung."))
    return redirect("donors:donor_detail", pk=keep.pk)


@staff_view(read=READ, write=WRITE, post_only=True)
def enrolment_create(request, pk: int):
    donor = _get_donor_for_user(request, pk, write=True)
    form = EnrolmentForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_create(donor=donor, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Kepesertaan disimpan."))
        except DonorError as exc:
            _error(request, exc)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
    return redirect("donors:donor_detail", pk=donor.pk)


def _year(request) -> int:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@staff_view(read=READ_OWN)
@official_document
def donor_statement_pdf(request, pk: int):
    donor = _get_donor_for_user(request, pk)
    year = _year(request)
    statement = donor_statement(donor=donor, year=year)
    if not statement.gifts:
        # A statement without a gift, signed by the head, says nothing true: refuse it,
        # and say which years can be printed.
        years = [y["year"] for y in donor_statement_years(donor=donor) if y["printable"]]
        if years:
            message = _(
                "Rekap tahun %(year)s tidak dicetak: tidak ada sumbangan diterima pada tahun "
                "itu. Rekap tersedia untuk tahun %(years)s."
            ) % {"year": year, "years": ", ".join(str(y) for y in years)}
        else:
            message = _("Rekap tidak dicetak: belum ada sumbangan tercatat atas nama donatur ini.")
        messages.warning(request, message)
        if request.user.has_role(Role.CONTRIBUTOR) and donor.user_id == request.user.pk:
            return redirect("donors:my")
        return redirect("donors:donor_detail", pk=donor.pk)
    data = statement_pdf(statement)
    return pdf_response(data, f"rekap-sumbangan-{donor.pk}-{year}")


# --- OPD and schemes ---------------------------------------------------------------------------
@staff_view(read=READ, write=WRITE)
def opd_index(request):
    form = OpdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opd_create(actor=request.user, **form.cleaned_data)
        except DonorError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("OPD disimpan."))
            return redirect("donors:opd_list")
    table = OpdTable(Opd.objects.all())
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    export = table_export_response(request, table, "opd")
    if export is not None:
        return export
    return render(request, "donors/opd_list.html", {"form": form, "table": table})


@staff_view(read=READ, write=WRITE)
def scheme_index(request):
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=request.user, **form.cleaned_data)
        except DonorError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Skema disimpan."))
            return redirect("donors:scheme_detail", pk=scheme.pk)
    schemes = Scheme.objects.select_related("fund", "deposit_location")
    return render(request, "donors/scheme_list.html", {"form": form, "schemes": schemes})


@staff_view(read=READ, write=WRITE)
def scheme_detail(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.select_related("fund", "deposit_location"), pk=pk)
    form = SchemeRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_rate_add(scheme=scheme, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Tarif minimal disimpan."))
            return redirect("donors:scheme_detail", pk=scheme.pk)
        except DonorError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "donors/scheme_detail.html",
        {"scheme": scheme, "rates": scheme.rates.all(), "form": form},
    )


# --- Payroll imports -------------------------------------------------------------------------
@staff_view(read=READ, write=WRITE)
def import_index(request):
    filtered = PayrollImportFilter(
        request.GET, queryset=PayrollImport.objects.select_related("opd", "scheme").defer("content")
    )
    table = PayrollImportTable(filtered.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export = table_export_response(request, table, "impor-potongan-gaji")
    if export is not None:
        return export
    return render(request, "donors/import_list.html", {"filter": filtered, "table": table})


@staff_view(read=READ, write=WRITE)
def import_upload(request):
    form = PayrollUploadForm(request.POST or None, request.FILES or None)
    errors, error_count, link = [], 0, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft, check = services.payroll_import_prepare(
                data=upload.read(),
                filename=upload.name,
                opd=form.cleaned_data["opd"],
                scheme=form.cleaned_data["scheme"],
                period=form.cleaned_data["period"],
                received_on=form.cleaned_data["received_on"],
                expected_count=form.cleaned_data["expected_count"],
                expected_total=form.cleaned_data["expected_total"],
                actor=request.user,
            )
        except DonorError as exc:
            form.add_error(None, exc.message)
            link = exc.link
        else:
            if draft is not None:
                return redirect("donors:import_detail", pk=draft.pk)
            errors, error_count = check.errors, check.error_count
    return render(
        request,
        "donors/import_upload.html",
        {"form": form, "errors": errors, "error_count": error_count, "link": link},
    )


@staff_view(read=READ, write=WRITE)
def import_detail(request, pk: int):
    imp = _get_import_for_user(request, pk)
    contributions = None
    if imp.status != PayrollImport.Status.DRAFT:
        contributions = ContributionTable(
            contribution_list().filter(payroll_import=imp), exclude=("payroll_import",)
        )
        RequestConfig(request, paginate={"per_page": 100, "lazy": True}).configure(contributions)
        export = table_export_response(
            request, contributions, f"impor-{imp.opd.code}-{imp.period:%Y-%m}"
        )
        if export is not None:
            return export
    return render(
        request,
        "donors/import_detail.html",
        {"imp": imp, "preview": imp.preview, "table": contributions, "reason_form": ReasonForm()},
    )


@staff_view(read=READ, write=WRITE, post_only=True)
def import_confirm(request, pk: int):
    imp = _get_import_for_user(request, pk, write=True)
    try:
        job = services.payroll_import_confirm(payroll_import=imp, actor=request.user)
    except DonorError as exc:
        messages.info(request, str(exc))
        return redirect("donors:import_detail", pk=imp.pk)
    job.refresh_from_db()
    imp.refresh_from_db()
    # Say only what is true when the page shows: a booking that already finished (a small
    # file, or no worker) is reported as done; one still running is shown by the progress
    # bar alone, which reloads the page when it ends, so "in progress" never stays beside 100%.
    if job.status == Job.Status.DONE and imp.status == PayrollImport.Status.COMMITTED:
        messages.success(
            request,
            ngettext(
                "Dibukukan: %(n)d baris, %(new)d donatur baru.",
                "Dibukukan: %(n)d baris, %(new)d donatur baru.",
                imp.row_count,
            )
            % {"n": imp.row_count, "new": imp.new_donor_count},
        )
    elif job.status == Job.Status.FAILED:
        messages.error(request, job.message or _("Pembukuan gagal."))
    return redirect("donors:import_detail", pk=imp.pk)


@staff_view(read=READ, write=WRITE, post_only=True)
def import_reverse(request, pk: int):
    imp = _get_import_for_user(request, pk, write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan pembatalan wajib diisi."))
        return redirect("donors:import_detail", pk=imp.pk)
    try:
        services.payroll_import_reverse(
            payroll_import=imp, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(request, _("Impor dibatalkan; tanda terimanya dinyatakan batal."))
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:import_detail", pk=imp.pk)


@staff_view(read=READ)
@official_document
def import_receipts_pdf(request, pk: int):
    imp = _get_import_for_user(request, pk)
    data = receipts_pdf(receipts_of_import(payroll_import=imp))
    return pdf_response(data, f"tanda-terima-{imp.opd.code}-{imp.period:%Y-%m}")


# --- Gifts and receipts ------------------------------------------------------------------------
@staff_view(read=READ, write=WRITE)
def contribution_index(request):
    filtered = ContributionFilter(request.GET, queryset=contribution_list())
    table = ContributionTable(filtered.qs)
    RequestConfig(request, paginate={"per_page": 50, "lazy": True}).configure(table)
    export = table_export_response(request, table, "sumbangan")
    if export is not None:
        return export
    return render(request, "donors/contribution_list.html", {"filter": filtered, "table": table})


@staff_view(read=READ, write=WRITE)
def gift_create(request):
    form = GiftForm(request.POST or None, request.FILES or None, initial=_gift_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # A donor added on the form exists only if the gift is recorded too.
            with transaction.atomic():
                donor = data["donor"] or services.donor_add_by_name(
                    kind=data["new_donor_kind"], name=data["new_donor_name"], actor=request.user
                )
                contribution = services.gift_record(
                    donor=donor,
                    fund=data["fund"],
                    location=data["location"],
                    amount=data["amount"],
                    date=data["date"],
                    channel=data["channel"],
                    proof=data.get("proof"),
                    note=data.get("note", ""),
                    actor=request.user,
                )
        except DonorError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Sumbangan dicatat dan tanda terima dibuat."))
            return redirect("donors:contribution_detail", pk=contribution.pk)
    return render(request, "donors/gift_form.html", {"form": form})


@staff_view(read=READ)
def donor_search(request):
    """Answer the gift form's donor picker: up to 20 active donors matching a name or NIP."""
    query = (request.GET.get("q") or "").strip()
    results = []
    if len(query) >= 2:
        donors = Donor.objects.filter(is_active=True)
        if query.isdigit():
            donors = donors.filter(nip__startswith=query)
        else:
            donors = donors.filter(name__icontains=query)
        for donor in donors.select_related("opd").order_by("name")[:20]:
            detail = donor.nip or donor.get_kind_display()
            if donor.opd_id:
                detail = f"{detail} · {donor.opd.name}"
            results.append({"id": donor.pk, "text": f"{donor.name} ({detail})"})
    return JsonResponse({"results": results})


def _gift_initial(request) -> dict:
    donor = request.GET.get("donatur")
    return {"donor": donor} if donor and donor.isdigit() else {}


@staff_view(read=READ, write=WRITE)
def contribution_detail(request, pk: int):
    contribution = _get_contribution_for_user(request, pk)
    return render(
        request,
        "donors/contribution_detail.html",
        {
            "c": contribution,
            "receipt": getattr(contribution, "receipt", None),
            "reason_form": ReasonForm(),
        },
    )


@staff_view(read=READ, write=WRITE, post_only=True)
def contribution_reverse(request, pk: int):
    contribution = _get_contribution_for_user(request, pk, write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan pembatalan wajib diisi."))
        return redirect("donors:contribution_detail", pk=contribution.pk)
    try:
        services.contribution_reverse(
            contribution=contribution, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(request, _("Sumbangan dibatalkan; tanda terimanya dinyatakan batal."))
    except DonorError as exc:
        _error(request, exc)
    return redirect("donors:contribution_detail", pk=contribution.pk)


@staff_view(read=READ_OWN)
@official_document
def receipt_pdf(request, pk: int):
    receipt = _get_receipt_for_user(request, pk)
    return pdf_response(
        receipts_pdf([receipt]), f"tanda-terima-{receipt.year}-{receipt.number:06d}"
    )


@public_view
def receipt_verify(request, token: str):
    receipt = receipt_for_public(token=token)
    if receipt is None:
        raise Http404
    return render(request, "donors/receipt_verify.html", {"receipt": receipt})


# --- Arrears ---------------------------------------------------------------------------------
@staff_view(read=READ)
def arrears(request):
    # A scheme id that is not a number falls back to the first scheme, as a
    # malformed month falls back to this month.
    chosen = request.GET.get("skema", "")
    scheme = (
        Scheme.objects.filter(pk=int(chosen)).first() if chosen.isdecimal() else None
    ) or Scheme.objects.first()
    try:
        month = parse_period(request.GET.get("bulan", ""))
    except ValueError:
        # By default the latest month that is due: on the 1st, this month is not late yet.
        month = latest_due_month()
    report = arrears_for_month(scheme=scheme, month=month) if scheme else None
    if report and request.GET.get("export") in ("csv", "xlsx"):
        from core.exports import export_response

        rows = (
            (e.donor.nip, e.donor.name, e.donor.opd.code if e.donor.opd else "", e.monthly_amount)
            for e in report.missing_donors.iterator(chunk_size=2000)
        )
        return export_response(
            request.GET["export"],
            ["NIP", "NAMA", "OPD", "JUMLAH"],
            rows,
            f"tunggakan-{month:%Y-%m}",
        )
    page = None
    if report:
        from django.core.paginator import Paginator

        page = Paginator(report.missing_donors, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "donors/arrears.html",
        {
            "report": report,
            "missing_page": page,
            "schemes": Scheme.objects.all(),
            "scheme": scheme,
            "month": month,
        },
    )


# --- Contributor's own page ----------------------------------------------------------------------
@staff_view(read=[Role.CONTRIBUTOR])
def my_contributions(request):
    # Auditors and admins may open this page too; they simply have no gifts of their own.
    donor = Donor.objects.filter(user=request.user).first()
    gifts = contributions_of_user(user=request.user) if donor else Contribution.objects.none()
    year = _year(request)
    return render(
        request,
        "donors/my_contributions.html",
        {
            "donor": donor,
            "gifts": gifts,
            "year": year,
            "years": donor_statement_years(donor=donor) if donor else [],
            "statement": donor_statement(donor=donor, year=year) if donor else None,
        },
    )
