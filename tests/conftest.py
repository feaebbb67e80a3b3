"""Personas, clients and browsers shared by every test."""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil

import pytest
from django.core.cache import cache

from core.models import Organisation, User
from core.roles import Role
from core.services import user_roles_set

PASSWORD = "rahasia-uji-123"

# One persona per role, as in style.md: they read as people in the tests.
PERSONA_EMAILS = {
    Role.FUND_MANAGER: "sri.pengelola@uji.test",
    Role.VERIFIER: "bambang.verifikator@uji.test",
    Role.TREASURER: "siti.bendahara@uji.test",
    Role.HEAD: "heru.kepala@uji.test",
    Role.AUDITOR: "agus.auditor@uji.test",
    Role.CSR_PARTNER: "csr.mitra@uji.test",
    Role.CONTRIBUTOR: "yuni.donatur@uji.test",
    Role.ADMIN: "admin@uji.test",
}


def make_user(email: str, roles=(), *, mfa: bool = True, password: str = PASSWORD) -> User:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = User.objects.create_user(email=email, password=password, full_name=email.split("@")[0])
    user_roles_set(user=user, roles=list(roles), actor=None)
    user = User.objects.get(pk=user.pk)
    if mfa and user.needs_mfa and not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _indonesian_by_default():
    # A test that renders in English must not leave the next one in English.
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    # Each test keeps its encrypted uploads in its own directory.
    settings.KENANGA_FILE_ROOT = str(tmp_path / "files")
    yield


@pytest.fixture
def org(db) -> Organisation:
    from core.demo import seed_organisation

    return seed_organisation()


@pytest.fixture
def personas(db, org) -> dict[str, User]:
    """Return one user per role, plus an outsider (logged in, no role)."""
    people = {str(role): make_user(email, [role]) for role, email in PERSONA_EMAILS.items()}
    people["outsider"] = make_user("orang.luar@uji.test", [])
    return people


@pytest.fixture
def totp_clock(monkeypatch):
    """Hold allauth's TOTP clock still, so that a code stays current for the whole test.

    A test that uses a code twice must not depend on where in its 30 seconds it runs.
    """
    import time
    import types

    now = time.time()
    monkeypatch.setattr(
        "allauth.mfa.totp.internal.auth.time", types.SimpleNamespace(time=lambda: now)
    )
    return now


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user: User):
        client.force_login(user)
        return client

    return _login


# --- Browser -------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def _playwright():
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        if os.environ.get("KENANGA_REQUIRE_BROWSER"):
            pytest.fail("Debian chromium (/usr/bin/chromium) is required for browser tests in CI.")
        pytest.skip("Debian chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _url_sample_modules():
    import tests

    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"tests.{info.name}.url_samples")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.url_samples":
                    raise


def url_samples() -> dict:
    """Collect the sample URL arguments every app provides for the access test."""
    samples = {}
    for module in _url_sample_modules():
        samples.update(module.SAMPLES)
    return samples


def url_other_samples() -> dict:
    """Collect, per URL, a sample object that belongs to another user (OTHERS)."""
    others = {}
    for module in _url_sample_modules():
        others.update(getattr(module, "OTHERS", {}))
    return others
