"""The public transparency portal (no login) and the head's publishing page."""

from __future__ import annotations

import hashlib
import json
import re
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.permissions import public_view, staff_view
from core.roles import Role
from funds.selectors import ledger_head_sequence, statement_state_by_hash
from transparency.charts import bar_chart_svg
from transparency.errors import TransparencyError
from transparency.exports import grants_360_csv, report_csv, report_xlsx
from transparency.figures import canonical_json
from transparency.forms import DocumentCheckForm, PublishForm, VerifyForm
from transparency.periods import Period, PeriodError, period_latest_month, period_parse
from transparency.presentation import report_view
from transparency.selectors import (
    PUBLISHED_GENERATION_KEY,
    published_report_by_hash,
    published_reports,
    report_figures,
    report_verify,
)
from transparency.services import report_publish

KINDS = (("month", _("Bulan")), ("semester", _("Semester")), ("year", _("Tahun")))


def _period_from(request) -> Period:
    code = request.GET.get("periode", "")
    if code:
        try:
            return period_parse(code)
        except PeriodError as exc:
            # A malformed period is the visitor's mistake, not a missing page.
            raise BadRequest(str(exc)) from exc
    return period_latest_month(timezone.localdate())


def _context(snapshot: dict, report, fund: str | None) -> dict:
    view = report_view(snapshot, fund=fund)
    return {
        "view": view,
        "report": report,
        "chart_sources": bar_chart_svg(view.sources, title=_("Penerimaan menurut sumber")),
        "chart_programmes": bar_chart_svg(view.programmes, title=_("Penyaluran menurut program")),
        "chart_kecamatan": bar_chart_svg(view.kecamatan, title=_("Penyaluran menurut kecamatan")),
    }


PAGE_CACHE_SECONDS = 600
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _page_key(request) -> str | None:
    """Return the cache key of an anonymous visitor's page, or None when it must be rendered.

    The key carries the language, the exact URL, the ledger head's sequence and
    the generation of published reports, so any posting or publication makes
    the next visitor see a fresh page. Staff pages (menus, names) are never cached.
    """
    if request.user.is_authenticated or request.COOKIES.get("messages"):
        return None
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    generation = cache.get(PUBLISHED_GENERATION_KEY, 0)
    return f"transparency:page:{get_language()}:{digest}:{ledger_head_sequence()}:{generation}"


def _with_fresh_csrf(request, html: str) -> str:
    """Put this visitor's CSRF token into a cached page (the language switch posts it)."""
    return _CSRF_FIELD.sub(
        f'name="csrfmiddlewaretoken" value="{get_token(request)}"', html, count=5
    )


# Pages this web process drew lately: (language, URL) -> (checked at, cache key, html).
_RECENT: dict[tuple[str, str], tuple[float, str, str]] = {}
_RECENT_MAX = 512


def _recent_page(request) -> str | None:
    """Return a page this process drew less than PUBLIC_PAGE_FRESH_SECONDS ago, if any."""
    fresh = getattr(settings, "PUBLIC_PAGE_FRESH_SECONDS", 0)
    if not fresh or request.user.is_authenticated or request.COOKIES.get("messages"):
        return None
    found = _RECENT.get((get_language(), request.get_full_path()))
    if found and time.monotonic() - found[0] < fresh:
        return found[2]
    return None


def _remember(request, key: str, html: str) -> None:
    if not getattr(settings, "PUBLIC_PAGE_FRESH_SECONDS", 0):
        return
    if len(_RECENT) >= _RECENT_MAX:
        _RECENT.clear()
    _RECENT[(get_language(), request.get_full_path())] = (time.monotonic(), key, html)


@public_view
def portal(request):
    """Show what came in and went out in a period, per fund, on one phone-sized page.

    An anonymous visitor's page comes from this process's memory for a few
    seconds (no database or cache round trip at all), then from the shared
    cache while the ledger head and the published reports stay as they were
    (one indexed query), and is drawn again only when they moved. So a page
    costs the same however many postings lie behind it.
    """
    html = _recent_page(request)
    if html is not None:
        return HttpResponse(_with_fresh_csrf(request, html))
    key = _page_key(request)
    if key is not None:
        html = cache.get(key)
        if html is not None:
            _remember(request, key, html)
            return HttpResponse(_with_fresh_csrf(request, html))
    response = _portal_render(request)
    if key is not None and response.status_code == 200:
        html = response.content.decode()
        cache.set(key, html, PAGE_CACHE_SECONDS)
        _remember(request, key, html)
    return response


def _portal_render(request):
    period = _period_from(request)
    snapshot, report = report_figures(period=period)
    context = _context(snapshot, report, request.GET.get("dana") or None)
    context.update(
        period=period,
        previous=period.previous(),
        next=period.next() if period.next().start <= timezone.localdate() else None,
        year_period=Period("year", period.year),
        semester_period=Period("semester", period.year, 1 if period.start.month <= 6 else 2),
        month_period=Period("month", period.year, period.end.month),
    )
    return render(request, "transparency/portal.html", context)


@public_view
def report_list(request):
    return render(request, "transparency/report_list.html", {"reports": published_reports()})


def _published_or_404(digest: str):
    report = published_report_by_hash(digest=digest)
    if report is None:
        raise Http404
    return report


@public_view
def report_download(request, digest: str, fmt: str):
    """Serve a published report as PDF, JSON, CSV or XLSX (the frozen figures, nothing else)."""
    report = _published_or_404(digest)
    name = f"laporan-{report.period_code}-{report.hash[:12]}"
    if fmt == "pdf":
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    elif fmt == "json":
        response = HttpResponse(canonical_json(report.snapshot), content_type="application/json")
    elif fmt == "csv":
        response = HttpResponse(report_csv(report.snapshot), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(report.snapshot),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "360giving.csv":
        response = HttpResponse(
            grants_360_csv(report.snapshot, org_id=_org_identifier(report.snapshot)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        raise Http404
    ext = "csv" if fmt == "360giving.csv" else fmt
    suffix = "-360giving" if fmt == "360giving.csv" else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _org_identifier(snapshot: dict) -> str:
    npwp = "".join(c for c in snapshot["organisation"].get("npwp", "") if c.isdigit())
    return f"ID-NPWP-{npwp}" if npwp else "ID-KENANGA"


@public_view
def verify(request):
    """Check a downloaded report against the published chain: by its hash or by the file."""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif request.GET.get("hash"):
        form = VerifyForm({"hash": request.GET["hash"]})
    else:
        form = VerifyForm()
    result = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload:
            result = report_verify(data=upload.read())
        else:
            result = report_verify(digest=form.cleaned_data["hash"])
    return render(request, "transparency/verify.html", {"form": form, "result": result})


@public_view
def document_check(request):
    """Tell whether a receipt, card, letter or other document is valid: nothing personal."""
    from beneficiaries.selectors import document_state_by_number, document_token_exists
    from donors.selectors import (
        donor_statement_state_by_code,
        receipt_state_by_code,
        receipt_token_exists,
    )

    form = DocumentCheckForm(request.GET or None)
    state = None
    if form.is_valid():
        number = form.cleaned_data["number"].strip()
        if receipt_token_exists(token=number):
            return redirect("donors:receipt_verify", token=number)
        if document_token_exists(token=number):
            return redirect("beneficiaries:check", token=number)
        if _disbursement_token_exists(number):
            return redirect("disbursements:public_check", token=number)
        state = receipt_state_by_code(code=number) or document_state_by_number(
            number=number, today=timezone.localdate()
        )
        if state is None:
            state = _disbursement_document_state(number)
        if state is None:
            state = statement_state_by_hash(digest=number)
        if state is None:
            state = donor_statement_state_by_code(code=number)
        if state is None and published_report_by_hash(digest=number):
            return redirect(f"{reverse('transparency:verify')}?hash={number.lower()}")
        state = state or "unknown"
    return render(request, "transparency/document_check.html", {"form": form, "state": state})


def _disbursement_token_exists(token: str) -> bool:
    try:
        from disbursements import selectors
    except ImportError:
        return False
    check = getattr(selectors, "public_document_token_exists", None)
    return bool(check and check(token=token))


def _disbursement_document_state(number: str) -> str | None:
    """Ask the disbursements app about payment orders and handovers, when it can answer."""
    try:
        from disbursements import selectors
    except ImportError:
        return None
    check = getattr(selectors, "public_document_state", None)
    return check(number=number) if check else None


@public_view
def open_data(request):
    """List the machine-readable files, their schema and their licence."""
    return render(request, "transparency/open_data.html", {"reports": published_reports()})


@public_view
def open_data_schema(request):
    from transparency.figures import SOURCES

    schema = {
        "schema": "kenanga.transparency.report/1",
        "licence": "CC-BY-4.0",
        "money": 'string, rupiah with two decimals, e.g. "1500000.00"',
        "sources": {k: str(v) for k, v in SOURCES.items()},
        "documentation": request.build_absolute_uri(reverse("transparency:open_data")),
    }
    return HttpResponse(
        json.dumps(schema, ensure_ascii=False, indent=2), content_type="application/json"
    )


HEAD_READERS = [Role.HEAD, Role.TREASURER, Role.FUND_MANAGER]


@staff_view(read=HEAD_READERS, write=[Role.HEAD])
def publish(request):
    """Let the head publish a closed period's report; everyone else with access reads."""
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_publish(period=form.cleaned_data["period"], actor=request.user)
        except TransparencyError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Laporan %(p)s terbit.") % {"p": report.period_code})
            return redirect("transparency:publish")
    return render(
        request,
        "transparency/publish.html",
        {
            "form": form,
            "reports": published_reports(),
            "may_publish": request.user.has_role(Role.HEAD),
        },
    )
