from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.exports import table_export_response
from core.filters import AuditFilter
from core.forms import OrganisationForm
from core.models import AuditEntry, Job
from core.organisation import get_organisation
from core.permissions import has_mfa, public_view, staff_view
from core.registry import FIGURES, PANELS, QUEUES, collect, visible
from core.roles import ALL_ROLES, Role
from core.services import OrganisationError, organisation_update
from core.tables import AuditTable, RequestConfig


@public_view
def health(request):
    """Answer the proxy and monitoring: 200 when every check passes, 503 otherwise."""
    from django.utils.cache import add_never_cache_headers

    from core.health import health_report

    healthy, checks = health_report()
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
    add_never_cache_headers(response)
    return response


@public_view
def home(request):
    return render(request, "core/home.html")


@staff_view(read=ALL_ROLES, mfa_exempt=True)
def dashboard(request):
    """Lead with the work waiting for the user's roles, then the key figures, then the panels."""
    panels = visible(PANELS, request.user)
    return render(
        request,
        "core/dashboard.html",
        {
            "queue": collect(QUEUES, request.user),
            "figures": collect(FIGURES, request.user),
            "panels": panels,
            "user_has_mfa": has_mfa(request.user),
        },
    )


@staff_view(read=[Role.HEAD, Role.AUDITOR, Role.ADMIN])
def audit_list(request):
    entries = AuditFilter(request.GET, queryset=AuditEntry.objects.all())
    table = AuditTable(entries.qs)
    RequestConfig(request, paginate={"per_page": 50, "lazy": True}).configure(table)
    export = table_export_response(request, table, "audit-kenanga")
    if export is not None:
        return export
    return render(request, "core/audit_list.html", {"filter": entries, "table": table})


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN])
def organisation_edit(request):
    org = get_organisation()
    form = OrganisationForm(
        request.POST or None, request.FILES or None, instance=org if org.pk else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(actor=request.user, **form.cleaned_data)
        except OrganisationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Profil organisasi disimpan."))
            return redirect("core:organisation")
    return render(request, "core/organisation_form.html", {"form": form})


@staff_view(read=ALL_ROLES, mfa_exempt=True)
def job_status(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.has_role(Role.ADMIN, Role.AUDITOR):
        from django.http import Http404

        raise Http404
    data = {
        "status": job.status,
        "percent": job.percent,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "result_url": job.result_url,
    }
    if request.headers.get("HX-Request") or request.GET.get("format") != "json":
        return render(request, "core/job_progress.html", {"job": job})
    return JsonResponse(data)


@public_view
def organisation_logo(request):
    """Serve the organisation's logo for the page header (the logo is public on every letter)."""
    from django.http import FileResponse, Http404
    from django.templatetags.static import static

    from core.uploads import sniff

    org = get_organisation()
    if not org.logo:
        # Before the profile has a logo, the page header shows Kenanga's own mark.
        return redirect(static("kenanga/mark.svg"))
    try:
        data = org.logo.open("rb").read()
    except OSError as exc:
        raise Http404 from exc
    kind = sniff(data[:16])
    if kind not in ("png", "jpeg"):
        raise Http404
    import io

    response = FileResponse(io.BytesIO(data), content_type=f"image/{kind}")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
