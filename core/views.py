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
        response = render(request, "core/job_progress.html", {"job": job})
        if request.headers.get("HX-Request") and job.status in (Job.Status.DONE, Job.Status.FAILED):
            # The job changed what the whole page shows (status, counts, rows): reload it,
            # rather than leave a finished bar beside figures of before.
            response["HX-Refresh"] = "true"
        return response
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


# --- Users and roles (the admin's screen; the Django admin is kept for emergencies) ---


def _get_user_for_admin(pk: int):
    """Return the account to show or change; access was checked by the view's declaration."""
    from core.selectors import users_for_admin

    return get_object_or_404(users_for_admin(), pk=pk)


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN])
def user_list(request):
    """List every account with its roles, two-step status and last login."""
    from core.filters import UserFilter
    from core.selectors import users_for_admin
    from core.tables import UserTable

    users = UserFilter(request.GET, queryset=users_for_admin())
    table = UserTable(users.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    export = table_export_response(request, table, "pengguna-kenanga")
    if export is not None:
        return export
    return render(request, "core/user_list.html", {"filter": users, "table": table})


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN])
def user_invite(request):
    """Invite a person: name, e-mail and roles; they choose their own password by mail."""
    from core.forms import InviteForm
    from core.services import UserAdminError
    from core.services import user_invite as invite

    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite(actor=request.user, **form.cleaned_data)
        except UserAdminError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Undangan dikirim ke %(email)s. Tautannya membuat kata sandi sendiri.")
                % {"email": user.email},
            )
            return redirect("core:user", pk=user.pk)
    return render(request, "core/user_invite.html", {"form": form})


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN])
def user_detail(request, pk: int):
    """Show one account: roles with grant and revoke, status, two-step verification."""
    from core.forms import RoleForm
    from core.roles import INVITABLE_ROLES, ROLE_DUTIES

    person = _get_user_for_admin(pk)
    held = [a.role for a in person.role_assignments.all()]
    names = dict(Role.choices)
    return render(
        request,
        "core/user_detail.html",
        {
            "person": person,
            "held": [(code, names.get(code, code), ROLE_DUTIES.get(code, "")) for code in held],
            "grant_form": RoleForm(roles=[r for r in INVITABLE_ROLES if r not in held]),
            "is_partner": Role.CSR_PARTNER in held,
            "is_self": person.pk == request.user.pk,
            "audit": AuditEntry.objects.filter(object_type="core.user", object_id=str(person.pk))[
                :20
            ],
        },
    )


def _user_action(request, pk: int, action, done_message: str, **kwargs):
    from core.services import UserAdminError

    person = _get_user_for_admin(pk)
    try:
        action(user=person, actor=request.user, **kwargs)
    except UserAdminError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message)
    return redirect("core:user", pk=person.pk)


def _posted_role(request) -> str | None:
    from core.forms import RoleForm

    form = RoleForm(request.POST, roles=list(Role))
    return form.cleaned_data["role"] if form.is_valid() else None


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN], post_only=True)
def user_role_grant(request, pk: int):
    from core.services import user_role_grant as grant

    role = _posted_role(request)
    if role is None:
        messages.error(request, _("Pilih peran yang akan diberikan."))
        return redirect("core:user", pk=pk)
    return _user_action(request, pk, grant, _("Peran diberikan."), role=role)


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN], post_only=True)
def user_role_revoke(request, pk: int):
    from core.services import user_role_revoke as revoke

    role = _posted_role(request)
    if role is None:
        messages.error(request, _("Pilih peran yang akan dicabut."))
        return redirect("core:user", pk=pk)
    return _user_action(request, pk, revoke, _("Peran dicabut."), role=role)


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN], post_only=True)
def user_deactivate(request, pk: int):
    from core.services import user_deactivate as deactivate

    return _user_action(
        request, pk, deactivate, _("Akun dinonaktifkan; sesi masuknya sudah diakhiri.")
    )


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN], post_only=True)
def user_reactivate(request, pk: int):
    from core.services import user_reactivate as reactivate

    return _user_action(request, pk, reactivate, _("Akun diaktifkan kembali."))


@staff_view(read=[Role.ADMIN], write=[Role.ADMIN], post_only=True)
def user_mfa_reset(request, pk: int):
    from core.services import user_mfa_reset as reset

    return _user_action(
        request,
        pk,
        reset,
        _("Verifikasi dua langkah diatur ulang: pengguna memasangnya lagi saat masuk berikutnya."),
    )
