"""Every role walks through every page its menu offers, on an office PC and on a phone.

Debian's chromium, driven by Playwright, opens each page at 1280 and 390 px
wide and saves a screenshot (KENANGA_WALK_DIR, or a temporary folder). The
walk fails on a console error, a page wider than a 390 px phone, a known
untranslated or leftover word, or a form that changes something the role may
not change.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from core.registry import menu
from core.roles import Role
from tests.conftest import make_user
from tests.core.test_actions_per_role import _may_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# Words that must not appear on an Indonesian page (issue 13's findings, Django's English).
LEFTOVERS = re.compile(
    r"\b(unrestricted|restricted|criterion|Authenticators|RUBAH|This field is required|"
    r"Select a valid choice|previous|next|M/F)\b"
)
ROLES = [
    Role.FUND_MANAGER,
    Role.VERIFIER,
    Role.TREASURER,
    Role.HEAD,
    Role.AUDITOR,
    Role.CSR_PARTNER,
    Role.CONTRIBUTOR,
    Role.ADMIN,
]


@pytest.fixture
def walk_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("KENANGA_WALK_DIR") or tmp_path / "walk")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _some_data(users):
    """A little of everything the menus lead to: a household waiting, a gift, a complaint."""
    from beneficiaries.criteria import load_criteria
    from beneficiaries.models import (
        Complaint,
        CriteriaSet,
        Criterion,
        HomeVisit,
        Region,
        Registration,
    )
    from beneficiaries.regions import load_regions
    from beneficiaries.services import complaint_file
    from core.demo import seed_organisation
    from donors.models import Donor
    from donors.services import gift_record
    from funds.models import Fund, MoneyLocation
    from tests.beneficiaries import factories

    seed_organisation()
    # A transactional test may find the shipped tables emptied by an earlier one.
    if not Region.objects.exists():
        load_regions(Region)
    if not CriteriaSet.objects.exists():
        load_criteria(CriteriaSet, Criterion)
    registration = Registration.objects.create(
        household=factories.household(members=2),
        channel="walk_in",
        status="visit",
        registered_by=users[Role.HEAD],
    )
    HomeVisit.objects.create(registration=registration, verifier=users[Role.VERIFIER])
    complaint_file(
        kind=Complaint.Kind.AID_NOT_RECEIVED,
        channel=Complaint.Channel.DESK,
        name="Bu Sumi",
        contact="0812000111",
        description="Beras belum sampai.",
    )
    fund = Fund.objects.create(code="infak", name="Infak")
    kas = MoneyLocation.objects.create(code="kas", name="Kas loket", kind="cash")
    gift_record(
        donor=Donor.objects.create(kind="company", name="CV Maju Jaya", user=None),
        fund=fund,
        location=kas,
        amount=Decimal("1500000"),
        date=dt.date.today(),
        channel="cash",
        actor=users[Role.FUND_MANAGER],
    )


def _context(browser, live_server, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_every_role_walks_its_menu_at_office_and_phone_width(live_server, browser, walk_dir):
    users = {role: make_user(f"{role}@jalan.test", [role]) for role in ROLES}
    _some_data(users)
    problems: list[str] = []
    visited = 0
    for role, user in users.items():
        pages = ["/dasbor/"] + [e.href for g in menu(user) for e in g.entries]
        for width in WIDTHS:
            context = _context(browser, live_server, user, width)
            page = context.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on(
                "console",
                lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            for path in pages:
                response = page.goto(live_server.url + path)
                visited += 1
                where = f"{role} {width}px {path}"
                if response is None or response.status != 200:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                name = f"{role}{path.replace('/', '_')}{width}.png"
                page.screenshot(path=str(walk_dir / name))
                if width == 390 and page.evaluate("document.documentElement.scrollWidth") > 390:
                    problems.append(f"{where}: scrolls sideways")
                cut = page.evaluate(
                    "[...document.querySelectorAll('.stat-value')]"
                    ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"
                )
                for value in cut:
                    problems.append(f"{where}: key figure cut off {value!r}")
                text = page.evaluate("document.body.innerText")
                for word in set(LEFTOVERS.findall(text)):
                    problems.append(f"{where}: leftover word {word!r}")
                actions = page.evaluate(
                    "[...document.querySelectorAll('form')]"
                    ".filter(f => (f.getAttribute('method') || '').toLowerCase() === 'post')"
                    ".map(f => new URL(f.action, location.href).pathname)"
                )
                for action in actions:
                    if action.startswith(("/i18n/", "/akun/")):
                        continue
                    if not _may_write(action, user):
                        problems.append(f"{where}: offers a form to {action}")
            if width == 390:
                # The menu folds away on a phone and opens from its button.
                page.goto(live_server.url + "/dasbor/")
                page.get_by_role("button", name="Buka menu").click()
                page.get_by_test_id("current-user").wait_for(state="visible")
            for error in errors:
                problems.append(f"{role} {width}px: console error {error}")
            context.close()
    assert visited > 60
    assert problems == [], "\n".join(problems)
