from django.conf import settings

from core.organisation import get_organisation
from core.registry import NAV, menu, visible


def kenanga(request):
    user = getattr(request, "user", None)
    org = get_organisation()
    nav = visible(NAV, user) if user is not None else []
    return {
        # Whether the user may change through the page being shown: forms are shown only then.
        "may_write_here": _may_write_here(request, user),
        "organisation": org,
        "nav_items": nav,
        "nav_groups": menu(user, request),
        "debug": settings.DEBUG,
    }


def _may_write_here(request, user) -> bool:
    match = getattr(request, "resolver_match", None)
    access = getattr(getattr(match, "func", None), "kenanga_access", None)
    if access is None:
        return False
    if access.public and not access.write:
        return True  # a public form (a complaint) is for everyone
    if user is None or not user.is_authenticated:
        return False
    return access.may_write(user)
