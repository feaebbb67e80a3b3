"""Who may see and change what.

Every view of the project declares its access with `@staff_view(...)`,
`@public_view` or `StaffViewMixin`. The declaration is stored on the view so
that tests/core/test_url_access.py can walk every URL with every role and
check the answer against it; a view without a declaration fails that test.

The answers: an anonymous visitor is sent to the login page; a logged-in user
whose roles may not see the page gets 404 (the page does not exist for them);
a role that may see but not change gets 403 on a change; a treasurer, head or
admin without TOTP is sent to set it up before acting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.roles import Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Auditors read everything; admins see everything to support the unit.
IMPLICIT_READERS = frozenset({Role.AUDITOR, Role.ADMIN})


@dataclass(frozen=True)
class Access:
    read: frozenset[str] = field(default_factory=frozenset)
    write: frozenset[str] = field(default_factory=frozenset)
    public: bool = False
    post_only: bool = False
    mfa_exempt: bool = False

    @property
    def readers(self) -> frozenset[str]:
        return self.read | self.write | IMPLICIT_READERS

    def may_read(self, user) -> bool:
        return self.public or bool(user.roles & self.readers)

    def may_write(self, user) -> bool:
        return bool(user.roles & self.write)


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_mfa = cached
    return cached


def check_access(request: HttpRequest, access: Access):
    """Return a response that refuses the request, or None when it may go on."""
    user = request.user
    if access.public:
        if access.post_only and request.method in SAFE_METHODS:
            return HttpResponseNotAllowed(["POST"])
        if request.method not in SAFE_METHODS and access.write and not access.may_write(user):
            raise PermissionDenied
        return None
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_read(user):
        raise Http404
    # After the login and read checks: a POST-only URL does not reveal itself to outsiders.
    if access.post_only and request.method in SAFE_METHODS:
        return HttpResponseNotAllowed(["POST"])
    if request.method not in SAFE_METHODS and not access.may_write(user):
        raise PermissionDenied(_("Peran Anda hanya boleh membaca halaman ini."))
    if not access.mfa_exempt and user.needs_mfa and not has_mfa(user):
        messages.warning(
            request,
            _(
                "Peran Anda (bendahara, kepala, atau admin) wajib memakai verifikasi dua langkah "
                "(TOTP) sebelum bertindak. Silakan aktifkan dulu."
            ),
        )
        return redirect("mfa_activate_totp")
    return None


def _roles(roles: Iterable[str] | None) -> frozenset[str]:
    return frozenset(str(r) for r in (roles or ()))


def staff_view(
    *,
    read: Iterable[str] = (),
    write: Iterable[str] = (),
    post_only: bool = False,
    mfa_exempt: bool = False,
) -> Callable:
    """Declare who may read and who may change through a function view."""
    access = Access(
        read=_roles(read), write=_roles(write), post_only=post_only, mfa_exempt=mfa_exempt
    )

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = check_access(request, access)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapped.kenanga_access = access
        return wrapped

    return decorator


def public_view(view=None, *, write: Iterable[str] = (), post_only: bool = False):
    """Declare a page anyone may open, logged in or not."""
    access = Access(public=True, write=_roles(write), post_only=post_only)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = check_access(request, access)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapped.kenanga_access = access
        return wrapped

    return decorator(view) if view is not None else decorator


class StaffViewMixin:
    """Class-based views declare `access = Access(read=..., write=...)`."""

    access: Access = Access()

    def dispatch(self, request, *args, **kwargs):
        refusal = check_access(request, self.access)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)


def access_of(callback) -> Access | None:
    """Return the access declared on a resolved URL's callback, if any."""
    access = getattr(callback, "kenanga_access", None)
    if access is None and hasattr(callback, "view_class"):
        access = getattr(callback.view_class, "access", None)
    return access


def require_write(request: HttpRequest, roles: Iterable[str]) -> None:
    """Raise 403 unless the user holds one of `roles` (for object-level checks)."""
    if not request.user.roles & _roles(roles):
        raise PermissionDenied(_("Peran Anda hanya boleh membaca halaman ini."))
