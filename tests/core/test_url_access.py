"""Every URL the project serves, requested by every role, answers as declared.

New URLs are covered automatically: a view without an access declaration, or
a URL with arguments but no sample in tests/<app>/url_samples.py, fails here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.permissions import access_of
from tests.conftest import url_other_samples, url_samples

# Served by Django or allauth themselves, with their own rules and tests.
SKIPPED_PREFIXES = ("admin/", "akun/", "i18n/", "jsi18n/", "static/", "media/")


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES) or not entry.name:
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, entry


PROJECT_URLS = sorted(
    {name: (route, entry) for name, route, entry in _walk(get_resolver().url_patterns)}.items()
)
ROLES = [
    "fund_manager",
    "verifier",
    "treasurer",
    "head",
    "auditor",
    "csr_partner",
    "contributor",
    "admin",
    "outsider",
]
REFUSED = {403, 404, 500}


def test_the_project_serves_urls_to_check():
    assert len(PROJECT_URLS) >= 5


@pytest.mark.parametrize("name", [name for name, _ in PROJECT_URLS])
def test_every_role_gets_the_declared_answer(name, personas, client):
    route, entry = dict(PROJECT_URLS)[name]
    access = access_of(entry.callback)
    assert access is not None, f"{name} ({route}) declares no access: use staff_view/public_view"

    visible_to = None
    if entry.pattern.converters:
        samples = url_samples()
        assert name in samples, (
            f"{name} takes arguments: add a sample to tests/<app>/url_samples.py"
        )
        sample = samples[name](personas)
        kwargs, visible_to = sample if isinstance(sample, tuple) else (sample, None)
        url = reverse(name, kwargs=kwargs)
    else:
        url = reverse(name)

    anonymous = client.get(url)
    if access.public:
        assert anonymous.status_code not in REFUSED, f"anonymous GET {url}"
    else:
        assert anonymous.status_code == 302 and "/akun/login/" in anonymous["Location"], url

    for role in ROLES:
        user = personas[role]
        client.force_login(user)
        may_read = access.may_read(user) and (
            visible_to is None or role in visible_to or access.public
        )
        response = client.get(url)
        if not may_read:
            assert response.status_code == 404, f"{role} GET {url}: {response.status_code}"
            continue
        expected_get = {405} if access.post_only else {200, 302}
        assert response.status_code in expected_get, f"{role} GET {url}: {response.status_code}"
        if access.write or access.post_only:
            posted = client.post(url, {})
            if access.may_write(user):
                assert posted.status_code not in REFUSED, f"{role} POST {url}: {posted.status_code}"
            else:
                assert posted.status_code == 403, f"{role} POST {url}: {posted.status_code}"
        client.logout()


# Roles that see only their own objects: every URL they may read that takes an
# object must also be tried with another user's object.
OWN_ONLY_ROLES = {"contributor", "csr_partner"}
OBJECT_URLS = [name for name, (_route, entry) in PROJECT_URLS if entry.pattern.converters]


def _needs_another_users_object(name, personas) -> bool:
    _route, entry = dict(PROJECT_URLS)[name]
    access = access_of(entry.callback)
    if access is None or access.public:
        return False
    sample = url_samples()[name](personas)
    restricted = isinstance(sample, tuple) and sample[1] is not None
    return restricted or bool(OWN_ONLY_ROLES & set(access.readers))


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_a_user_asking_for_another_users_object_gets_404(name, personas, client):
    others = url_other_samples()
    if name not in others:
        assert not _needs_another_users_object(name, personas), (
            f"{name} shows objects per owner: add another user's object to OTHERS in "
            "tests/<app>/url_samples.py"
        )
        return
    route, entry = dict(PROJECT_URLS)[name]
    access = access_of(entry.callback)
    kwargs, visible_to = others[name](personas)
    url = reverse(name, kwargs=kwargs)
    refused_readers = [r for r in ROLES if access.may_read(personas[r]) and r not in visible_to]
    assert refused_readers, f"{name}: the other user's object is hidden from no reader"

    for role in ROLES:
        client.force_login(personas[role])
        response = client.get(url)
        if role in refused_readers or not access.may_read(personas[role]):
            # A POST-only URL may refuse the method before looking at the object.
            allowed = {404, 405} if access.post_only and access.may_read(personas[role]) else {404}
            assert response.status_code in allowed, (
                f"{role} GET another's {url}: {response.status_code}"
            )
            if access.write or access.post_only:
                posted = client.post(url, {})
                assert posted.status_code == 404, (
                    f"{role} POST another's {url}: {posted.status_code}"
                )
        else:
            expected = {405} if access.post_only else {200, 302}
            assert response.status_code in expected, f"{role} GET {url}: {response.status_code}"
        client.logout()
