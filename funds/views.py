"""Screens of the ledger. Views are short: permission, form, service, message, redirect."""

from __future__ import annotations

import base64
import datetime as dt

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_trail_for
from core.exports import export_response, table_export_response
from core.links import public_url
from core.organisation import get_organisation
from core.pdf import (
    official_document,
    pdf_response,
)
from core.permissions import require_write, staff_view
from core.roles import Role
from core.tables import AuditTable, RequestConfig
from funds import reconciliation as recon
from funds.documents import statements_pdf as statements_document
from funds.errors import LedgerError
from funds.filters import PostingFilter
from funds.forms import (
    ContributionForm,
    FundEditForm,
    FundForm,
    MoneyLocationForm,
    PeriodCloseForm,
    PeriodForm,
    ReverseForm,
    ShareLimitForm,
    StatementImportForm,
    TransferForm,
)
from funds.models import (
    BankStatement,
    ClosedPeriod,
    Fund,
    MoneyLocation,
    Posting,
    ReconciliationMatch,
    ShareLimit,
    StatementLine,
    StatementSignoff,
    Transaction,
)
from funds.references import reference_link
from funds.selectors import fund_balances, fund_postings, location_balances, open_commitments
from funds.services import (
    contribution_record,
    fund_create,
    fund_update,
    money_location_update,
    period_close,
    share_limit,
    share_limit_set,
    statement_sign,
    transaction_reverse,
    transfer_record,
)
from funds.statements import (
    Statements,
    cash_flow_for_period,
    statement_notes,
    statements_for_period,
)
from funds.tables import FundTable, PeriodTable, PostingTable

READERS = [Role.FUND_MANAGER, Role.TREASURER, Role.HEAD]
RECORDERS = [Role.FUND_MANAGER, Role.TREASURER]
TREASURY = [Role.TREASURER]


# --- permission helpers, one per object type ------------------------------------------------
def _get_fund_for_user(request, code: str) -> Fund:
    return get_object_or_404(Fund, code=code)


def _get_transaction_for_user(request, pk: int, write: bool = False) -> Transaction:
    txn = get_object_or_404(Transaction.objects.select_related("reverses", "created_by"), pk=pk)
    if write:
        require_write(request, TREASURY)
    return txn


def _get_statement_for_user(request, pk: int, write: bool = False) -> BankStatement:
    statement = get_object_or_404(BankStatement.objects.select_related("location"), pk=pk)
    if write:
        require_write(request, TREASURY)
    return statement


# --- funds and the ledger -------------------------------------------------------------------
@staff_view(read=READERS)
def fund_list(request):
    rows = fund_balances()
    table = FundTable(rows)
    RequestConfig(request, paginate=False).configure(table)
    export = table_export_response(request, table, "saldo-dana")
    if export is not None:
        return export
    context = {
        "table": table,
        "locations": location_balances(),
        "total_funds": sum((r.balance for r in rows), 0),
        "commitments": open_commitments()[:20],
    }
    return render(request, "funds/fund_list.html", context)


@staff_view(read=[Role.HEAD], write=[Role.HEAD])
def fund_new(request):
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund = fund_create(**form.cleaned_data, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dana dibuat."))
            return redirect("funds:fund", code=fund.code)
    return render(request, "funds/form.html", {"form": form, "title": _("Dana baru")})


@staff_view(read=READERS)
def fund_detail(request, code: str):
    fund = _get_fund_for_user(request, code)
    postings = PostingFilter(request.GET, queryset=fund_postings(fund=fund))
    table = PostingTable(postings.qs)
    RequestConfig(request, paginate={"per_page": 50, "lazy": True}).configure(table)
    export = table_export_response(request, table, f"buku-besar-{fund.code}")
    if export is not None:
        return export
    account = getattr(fund, "account", None)
    return render(
        request,
        "funds/fund_detail.html",
        {"fund": fund, "account": account, "filter": postings, "table": table},
    )


@staff_view(read=READERS)
def transaction_detail(request, pk: int):
    txn = _get_transaction_for_user(request, pk)
    postings = txn.postings.select_related("account__fund", "account__location")
    audit = AuditTable(audit_trail_for(txn))
    reversal = Transaction.objects.filter(reverses=txn).first()
    owner_label = owner_url = None
    if txn.reference_type:
        # Reversed only through the owning record's service: link there instead.
        owner_label, owner_url = reference_link(txn.reference_type, txn.reference_id)
    return render(
        request,
        "funds/transaction_detail.html",
        {
            "txn": txn,
            "postings": postings,
            "audit": audit,
            "reversal": reversal,
            "form": ReverseForm(),
            "owner_label": owner_label,
            "owner_url": owner_url,
            "may_reverse": request.user.has_role(Role.TREASURER)
            and not reversal
            and not txn.reverses_id
            and not txn.reference_type,
        },
    )


@staff_view(read=READERS, write=TREASURY, post_only=True)
def transaction_reverse_view(request, pk: int):
    txn = _get_transaction_for_user(request, pk, write=True)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi alasan dan tanggal koreksi."))
    else:
        try:
            reversal = transaction_reverse(
                transaction=txn,
                reason=form.cleaned_data["reason"],
                date=form.cleaned_data["date"],
                actor=request.user,
            )
        except LedgerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Transaksi pembalik #%(n)s dicatat.") % {"n": reversal.sequence}
            )
            return redirect("funds:transaction", pk=reversal.pk)
    return redirect("funds:transaction", pk=txn.pk)


@staff_view(read=RECORDERS, write=RECORDERS)
def contribution_new(request):
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            txn = contribution_record(**form.cleaned_data, reference=None, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Penerimaan dicatat."))
            return redirect("funds:transaction", pk=txn.pk)
    return render(
        request,
        "funds/form.html",
        {
            "form": form,
            "title": _("Penerimaan lain (bukan sumbangan)"),
            # Two forms take money in; each says what it is for and where the other one is.
            "intro": _(
                "Untuk uang masuk yang bukan sumbangan donatur: jasa giro atau bunga bank, "
                "pengembalian sisa bantuan, koreksi. Tidak ada tanda terima. Sumbangan dari "
                "donatur dicatat di Donatur › Catat sumbangan agar donatur mendapat tanda terima."
            ),
            "other_href": reverse("donors:gift_create"),
            "other_label": _("Catat sumbangan donatur"),
        },
    )


@staff_view(read=TREASURY, write=TREASURY)
def transfer_new(request):
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            txn = transfer_record(**form.cleaned_data, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Pemindahan antardana dicatat."))
            return redirect("funds:transaction", pk=txn.pk)
    return render(request, "funds/form.html", {"form": form, "title": _("Pindahkan antardana")})


# --- periods --------------------------------------------------------------------------------
@staff_view(read=READERS, write=[Role.HEAD])
def period_list(request):
    form = PeriodCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        try:
            period_close(year=month.year, month=month.month, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Periode %(p)s ditutup.") % {"p": f"{month:%m/%Y}"})
            return redirect("funds:periods")
    table = PeriodTable(ClosedPeriod.objects.select_related("closed_by"))
    RequestConfig(request, paginate={"per_page": 24}).configure(table)
    export = table_export_response(request, table, "periode-tertutup")
    if export is not None:
        return export
    return render(request, "funds/periods.html", {"form": form, "table": table})


# --- reconciliation -------------------------------------------------------------------------
@staff_view(read=READERS, write=TREASURY)
def reconciliation_list(request):
    form = StatementImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and request.POST.get("confirm"):
        # Second step: the file came back from the preview as base64.
        try:
            data = base64.b64decode(request.POST.get("data", ""), validate=True)
            location = form.fields["location"].queryset.get(pk=request.POST.get("location"))
            statement = recon.statement_import(
                location=location,
                data=data,
                filename=request.POST.get("filename", "rekening.csv"),
                actor=request.user,
            )
        except (
            ValueError,
            LedgerError,
            form.fields["location"].queryset.model.DoesNotExist,
        ) as exc:
            messages.error(request, str(exc) or _("Berkas tidak dapat dibaca."))
            return redirect("funds:reconciliation")
        matched = recon.reconciliation_auto_match(statement=statement, actor=request.user)
        messages.success(
            request,
            ngettext(
                "Rekening koran diimpor; %(n)s baris cocok otomatis.",
                "Rekening koran diimpor; %(n)s baris cocok otomatis.",
                matched,
            )
            % {"n": matched},
        )
        return redirect("funds:statement", pk=statement.pk)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        parsed = recon.statement_parse(data=data, filename=upload.name)
        duplicate = BankStatement.objects.filter(
            location=form.cleaned_data["location"], file_hash=parsed.file_hash
        ).exists()
        preview = {
            "parsed": parsed,
            "duplicate": duplicate,
            "data": base64.b64encode(data).decode(),
            "filename": upload.name,
            "location": form.cleaned_data["location"],
        }
    statements = BankStatement.objects.select_related("location").order_by("-pk")[:50]
    return render(
        request,
        "funds/reconciliation.html",
        {"form": form, "preview": preview, "statements": statements},
    )


@staff_view(read=READERS, write=TREASURY)
def statement_detail(request, pk: int):
    statement = _get_statement_for_user(request, pk)
    if request.method == "POST":
        require_write(request, TREASURY)
        try:
            line = StatementLine.objects.get(pk=request.POST.get("line"), statement=statement)
            posting = Posting.objects.select_related("account").get(pk=request.POST.get("posting"))
            recon.reconciliation_match(line=line, posting=posting, actor=request.user)
        except (ValueError, StatementLine.DoesNotExist, Posting.DoesNotExist):
            messages.error(request, _("Pilih satu baris bank dan satu posting."))
        except LedgerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Baris dicocokkan."))
        return redirect("funds:statement", pk=statement.pk)
    lines = statement.lines.select_related("match__posting__transaction")
    unmatched_postings = recon.unmatched_postings(location=statement.location)
    if statement.date_from and statement.date_to:
        unmatched_postings = unmatched_postings.filter(
            transaction__date__gte=statement.date_from - dt.timedelta(days=7),
            transaction__date__lte=statement.date_to + dt.timedelta(days=7),
        )
    return render(
        request,
        "funds/statement_detail.html",
        {
            "statement": statement,
            "lines": lines,
            "unmatched_lines": [x for x in lines if not hasattr(x, "match")],
            "unmatched_postings": unmatched_postings,
            "may_match": request.user.has_role(Role.TREASURER),
        },
    )


@staff_view(read=READERS, write=TREASURY, post_only=True)
def statement_auto_match(request, pk: int):
    statement = _get_statement_for_user(request, pk, write=True)
    matched = recon.reconciliation_auto_match(statement=statement, actor=request.user)
    messages.info(
        request,
        ngettext("%(n)s baris cocok otomatis.", "%(n)s baris cocok otomatis.", matched)
        % {"n": matched},
    )
    return redirect("funds:statement", pk=statement.pk)


@staff_view(read=READERS, write=TREASURY, post_only=True)
def match_delete(request, pk: int):
    match = get_object_or_404(ReconciliationMatch.objects.select_related("line__statement"), pk=pk)
    require_write(request, TREASURY)
    statement_pk = match.line.statement_id
    recon.reconciliation_unmatch(match=match, actor=request.user)
    messages.success(request, _("Pencocokan dibatalkan."))
    return redirect("funds:statement", pk=statement_pk)


# --- statements -----------------------------------------------------------------------------
def _period(request) -> tuple[PeriodForm, dt.date, dt.date]:
    default_from, default_to = PeriodForm.default_range()
    data = request.GET if "date_from" in request.GET else None
    form = PeriodForm(data, initial={"date_from": default_from, "date_to": default_to})
    if data is not None and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, default_from, default_to


def _figures_and_signoff(request, date_from: dt.date, date_to: dt.date):
    """Return the figures to show and their sign-off.

    `?signoff=<pk>` shows a signed statement exactly as it was signed (its
    stored figures); otherwise the ledger's current figures, with the sign-off
    that covers exactly these figures, if any.
    """
    signoff_pk = request.GET.get("signoff", "")
    if signoff_pk:
        if not signoff_pk.isdigit():
            raise BadRequest("signoff must be a number")
        signoff = (
            StatementSignoff.objects.select_related("signed_by")
            .exclude(figures={})
            .filter(pk=int(signoff_pk))
            .first()
            if len(signoff_pk) < 12
            else None
        )
        if signoff is None:
            raise BadRequest("no such sign-off")
        return Statements.from_snapshot(signoff.figures), signoff
    figures = statements_for_period(date_from=date_from, date_to=date_to)
    signoff = (
        StatementSignoff.objects.filter(
            date_from=date_from, date_to=date_to, figures_hash=figures.figures_hash
        )
        .select_related("signed_by")
        .first()
    )
    return figures, signoff


@staff_view(read=READERS, write=[Role.HEAD])
def statements(request):
    form, date_from, date_to = _period(request)
    if request.method == "POST":
        sign_form = PeriodForm(request.POST)
        if not sign_form.is_valid():
            messages.error(request, _("Pilih periode yang akan disahkan."))
            return redirect("funds:statements")
        try:
            statement_sign(**sign_form.cleaned_data, actor=request.user)
        except LedgerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Laporan disahkan."))
        query = f"?date_from={sign_form.cleaned_data['date_from']}&date_to={sign_form.cleaned_data['date_to']}"
        return redirect(reverse("funds:statements") + query)
    figures, signoff = _figures_and_signoff(request, date_from, date_to)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        header, rows = figures.export_rows()
        return export_response(
            fmt, header, rows, f"laporan-keuangan-{figures.date_from}-{figures.date_to}"
        )
    signed_versions = StatementSignoff.objects.filter(
        date_from=figures.date_from, date_to=figures.date_to
    ).select_related("signed_by")
    return render(
        request,
        "funds/statements.html",
        {
            "form": form,
            "s": figures,
            "signoff": signoff,
            "signed_versions": signed_versions,
            "showing_signed": bool(request.GET.get("signoff")),
            "may_sign": request.user.has_role(Role.HEAD),
        },
    )


def closed_month_heads(date_to: dt.date) -> list[list[str]]:
    """Return (month, last sequence, head hash) of every month closed up to `date_to`."""
    periods = ClosedPeriod.objects.filter(
        Q(year__lt=date_to.year) | Q(year=date_to.year, month__lte=date_to.month)
    ).order_by("year", "month")
    return [[f"{p.month:02d}/{p.year}", f"#{p.last_sequence}", p.last_hash or "-"] for p in periods]


@staff_view(read=READERS)
@official_document
def statements_pdf(request):
    form, date_from, date_to = _period(request)
    figures, signoff = _figures_and_signoff(request, date_from, date_to)
    if not figures.balanced:
        raise Http404
    # A signed version shows the cash flows of exactly the transactions it covered.
    up_to = signoff.last_sequence if signoff and request.GET.get("signoff") else None
    cash = cash_flow_for_period(
        date_from=figures.date_from, date_to=figures.date_to, up_to_sequence=up_to
    )
    signed = (
        _("Disahkan %(d)s oleh %(n)s")
        % {
            "d": formats.date_format(timezone.localtime(signoff.signed_at), "j M Y"),
            "n": signoff.signed_by,
        }
        if signoff
        else _("BELUM DISAHKAN")
    )
    data = statements_document(
        figures=figures,
        cash=cash,
        notes=statement_notes(figures=figures, cash=cash),
        org=get_organisation(),
        signed=signed,
        closed_heads=closed_month_heads(figures.date_to),
        # The public document check: anyone holding the paper can see whether these
        # figures were signed, without logging in.
        check_url=public_url("transparency:document_check", query=f"number={figures.figures_hash}"),
    )
    return pdf_response(data, f"laporan-keuangan-{figures.date_from}-{figures.date_to}")


# --- money rules: changed through audited services, not the Django admin ----------------------
@staff_view(read=[Role.HEAD], write=[Role.HEAD])
def fund_edit(request, code: str):
    fund = _get_fund_for_user(request, code)
    initial = {
        "name": fund.name,
        "purpose": fund.purpose,
        "allowed_programmes": ", ".join(fund.allowed_programmes),
        "allowed_areas": ", ".join(fund.allowed_areas),
    }
    form = FundEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fund_update(fund=fund, **form.cleaned_data, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dana diperbarui."))
            return redirect("funds:fund", code=fund.code)
    title = _("Ubah dana %(f)s") % {"f": fund.name}
    return render(request, "funds/form.html", {"form": form, "title": title})


@staff_view(read=TREASURY + [Role.HEAD], write=TREASURY + [Role.HEAD])
def location_edit(request, code: str):
    location = get_object_or_404(MoneyLocation, code=code)
    initial = {
        "name": location.name,
        "bank_name": location.bank_name,
        "account_number": location.account_number,
        "is_active": location.is_active,
    }
    form = MoneyLocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            money_location_update(location=location, **form.cleaned_data, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Tempat uang diperbarui."))
            return redirect("funds:list")
    title = _("Ubah tempat uang %(l)s") % {"l": location.name}
    return render(request, "funds/form.html", {"form": form, "title": title})


@staff_view(read=READERS, write=[Role.HEAD])
def share_limits(request):
    form = ShareLimitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share_limit_set(**form.cleaned_data, actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Batas baru dicatat."))
            return redirect("funds:share_limits")
    current = {
        kind: share_limit(kind=kind, date=timezone.localdate()) for kind in ShareLimit.Kind.values
    }
    return render(
        request,
        "funds/share_limits.html",
        {
            "form": form,
            "limits": ShareLimit.objects.all(),
            "current": [(ShareLimit.Kind(k).label, v) for k, v in current.items()],
            "may_set": request.user.has_role(Role.HEAD),
        },
    )
