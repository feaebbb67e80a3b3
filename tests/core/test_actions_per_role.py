"""Every role sees only the actions it may take.

Each page is opened by each role that may read it; every form that changes
something (method="post") must point at a view the role may write through,
and every button-styled link must not lead to a page that only says "read
only". An auditor is never shown a "cancel this gift" form that ends in 403.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from core.permissions import access_of
from tests.conftest import url_samples
from tests.core.test_url_access import PROJECT_URLS

FORM = re.compile(r"<form\b([^>]*)>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
BUTTON_LINK = re.compile(r'<a\b[^>]*class="[^"]*\bbtn\b[^"]*"[^>]*>', re.I)
# Forms that belong to the shell (language, logout) or to allauth, not to a task.
SHELL_ACTIONS = ("/i18n/setlang/", "/akun/")


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): v for k, v in ATTR.findall(tag)}


def _post_actions(body: str, page_url: str) -> list[str]:
    actions = []
    for match in FORM.finditer(body):
        attrs = _attrs(match.group(1))
        if attrs.get("method", "get").lower() != "post":
            continue
        action = attrs.get("action") or page_url
        if not action.startswith(SHELL_ACTIONS):
            actions.append(action)
    return actions


def _button_links(body: str) -> list[str]:
    links = []
    for tag in BUTTON_LINK.findall(body):
        href = _attrs(tag[2:-1]).get("href", "")
        if href.startswith("/") and "export=" not in href and not href.startswith(SHELL_ACTIONS):
            links.append(href)
    return links


def _may_write(url: str, user) -> bool:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    access = access_of(match.func)
    if access is None:
        return False
    return (access.public and not access.write) or access.may_write(user)


ROLES = [
    "fund_manager",
    "verifier",
    "treasurer",
    "head",
    "auditor",
    "csr_partner",
    "contributor",
    "admin",
]


def _pages(personas):
    """Yield (name, url) for every page; each sample's data lives until the next page."""
    samples = url_samples()
    for name, (_route, entry) in PROJECT_URLS:
        access = access_of(entry.callback)
        if access is None or access.post_only:
            continue
        # The samples create their own records (some with fixed numbers): each page gets a
        # savepoint, rolled back once it has been checked.
        savepoint = transaction.savepoint()
        try:
            if entry.pattern.converters:
                sample = samples[name](personas)
                kwargs = sample[0] if isinstance(sample, tuple) else sample
                yield name, reverse(name, kwargs=kwargs)
            else:
                yield name, reverse(name)
        finally:
            transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("role", ROLES)
def test_a_role_is_shown_only_the_actions_it_may_take(role, personas, client):
    user = personas[role]
    client.force_login(user)
    offenders = []
    checked = 0
    read_only: dict[str, bool] = {}
    for name, url in _pages(personas):
        checked += 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for action in _post_actions(body, url):
            if not _may_write(action, user):
                offenders.append(f"{name} {url}: a form posts to {action}")
        for href in _button_links(body):
            if href not in read_only:
                target = client.get(href)
                read_only[href] = (
                    target.status_code == 200
                    and b'data-testid="read-only-notice"' in target.content
                )
            if read_only[href]:
                offenders.append(f"{name} {url}: a button leads to read-only {href}")
    assert checked > 20
    assert offenders == [], "\n".join(offenders)
