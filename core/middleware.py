from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation

from core.audit import reset_request_ip, set_request_ip
from core.http import client_ip


class LanguageMiddleware:
    """Speak Indonesian unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an
    office PC set up in English would get English pages; Kenanga is Indonesian
    first, and the choice is the user's, kept in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response


class AuditContextMiddleware:
    """Make the client's address (behind a trusted proxy) available to audit_log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_request_ip(token)


class QueryStringGuardMiddleware:
    """Answer 400 to a query string carrying a NUL character.

    No page has a use for one, and PostgreSQL refuses it in any query, so a
    filter such as ?wilayah=%00 would otherwise end as a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequest("NUL character in the query string")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Keep pages seen by a logged-in user out of every cache (browser, proxy, disk).

    Staff pages show NIK, KK numbers, names and phones: `Cache-Control: no-store`
    stops a shared office PC or a proxy from keeping a copy after logout. Public
    pages (aggregates) keep whatever their view set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
