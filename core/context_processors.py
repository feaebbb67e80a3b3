from django.conf import settings

from core.organisation import get_organisation
from core.registry import NAV, menu, visible


def kenanga(request):
    user = getattr(request, "user", None)
    org = get_organisation()
    nav = visible(NAV, user) if user is not None else []
    return {
        "organisation": org,
        "nav_items": nav,
        "nav_groups": menu(user, request),
        "debug": settings.DEBUG,
    }
