"""Malformed query parameters never break a page: every list and filter answers 200 or 400.

Walks the URL resolver like test_url_access.py, so a new list page is covered
without being named here. The parameters tried are the fields of the page's
own filter form (read from its HTML) plus the ones every list understands.
"""

from __future__ import annotations

import inspect
import re

import pytest
from django.urls import reverse

from core.permissions import access_of
from tests.conftest import url_samples
from tests.core.test_url_access import PROJECT_URLS, ROLES

COMMON_PARAMETERS = ["q", "page", "sort", "export", "per_page"]
JUNK = [
    "abc",
    "\x00",
    "%00",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "2026-13-45",
    "2026-02-30",
    "2026-13",
    "' OR 1=1 --",
    "\u202ex",
    "x" * 3000,
]
PER_FIELD = ["abc", "\x00", "-1", "99999999999999999999999999", "2026-13-45"]
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)
GET_FORM = re.compile(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", re.IGNORECASE | re.S)
READ_IN_VIEW = re.compile(r"request\.GET(?:\.get|\.getlist)?[\[(]\s*\"(\w+)\"")
NOT_FILTERS = {"csrfmiddlewaretoken", "language", "next"}


def _readable_pages():
    for name, (_route, entry) in PROJECT_URLS:
        access = access_of(entry.callback)
        if access is None or access.post_only:
            continue
        yield name


def _reader(access, personas, visible_to):
    for role in ROLES:
        if access.may_read(personas[role]) and (
            visible_to is None or role in visible_to or access.public
        ):
            return personas[role]
    return None


def _read_in_view(callback) -> set[str]:
    """Return the query parameters the view's own code reads (e.g. ?wilayah=)."""
    target = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    try:
        return set(READ_IN_VIEW.findall(inspect.getsource(target)))
    except (OSError, TypeError):
        return set()


def _filter_fields(html: str) -> set[str]:
    names = set()
    for form in GET_FORM.findall(html):
        names.update(FIELD_NAME.findall(form))
    return names - NOT_FILTERS


@pytest.mark.parametrize("name", list(_readable_pages()))
def test_malformed_query_parameters_give_200_or_400_never_500(name, personas, client):
    route, entry = dict(PROJECT_URLS)[name]
    access = access_of(entry.callback)
    visible_to = None
    if entry.pattern.converters:
        sample = url_samples()[name](personas)
        kwargs, visible_to = sample if isinstance(sample, tuple) else (sample, None)
        url = reverse(name, kwargs=kwargs)
    else:
        url = reverse(name)
    user = _reader(access, personas, visible_to)
    if user is not None:
        client.force_login(user)

    plain = client.get(url)
    if plain.status_code != 200 or "html" not in plain.get("Content-Type", ""):
        pytest.skip(f"{url} is not an HTML page ({plain.status_code})")
    html = plain.content.decode()
    own_fields = _filter_fields(html) | _read_in_view(entry.callback)
    fields = sorted(own_fields | set(COMMON_PARAMETERS))
    is_list = bool(own_fields) or "<table" in html

    client.raise_request_exception = False

    def check(query):
        response = client.get(url, query)
        shown = {k: (v[:20] if isinstance(v, str) else v) for k, v in query.items()}
        assert response.status_code in (200, 400), f"GET {url} {shown}: {response.status_code}"

    # Each field of a list alone with the junk most likely to reach a query or
    # a parser ...
    for field in fields if is_list else ():
        for value in PER_FIELD:
            check({field: value})
        check({field: ["1", "abc", "2026-01-01"]})
    # ... then every kind of junk in all fields at once, also with an export.
    for value in JUNK:
        check(dict.fromkeys(fields, value))
    for export in ("csv", "xlsx", "pdf", "abc"):
        check({**dict.fromkeys(fields, "abc"), "export": export})


def test_the_reported_malformed_filters_are_answered_without_a_server_error(personas, client):
    client.force_login(personas["fund_manager"])
    assert client.get("/donatur/tunggakan/", {"skema": "abc"}).status_code == 200
    assert client.get("/rumah-tangga/statistik/", {"wilayah": "\x00"}).status_code == 400
    assert client.get("/rumah-tangga/statistik/?wilayah=%00").status_code == 400
    assert client.get("/donatur/", {"per_page": "-1"}).status_code == 200


def test_a_list_shows_at_most_two_hundred_rows_whatever_per_page_asks(personas, client):
    from donors.models import Donor

    Donor.objects.bulk_create(
        Donor(kind=Donor.Kind.INDIVIDUAL, name=f"Donatur {i}", display=Donor.Display.ANONYMOUS)
        for i in range(205)
    )
    client.force_login(personas["fund_manager"])
    response = client.get("/donatur/", {"per_page": "100000"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 200
