"""The verifier's visit form and lists fit a phone, and a full menu fits a desktop screen."""

import pytest

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
from core.roles import Role
from tests.beneficiaries import factories
from tests.beneficiaries.test_browser import _browser_as
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WIDTH = "document.documentElement.scrollWidth"


def test_the_visit_form_shows_each_criterion_on_its_own_lines_on_a_phone(live_server, browser):
    from core.demo import seed_organisation

    seed_organisation()
    # A transactional test may find the tables emptied by an earlier one: load what it needs.
    load_regions(Region)
    load_criteria(CriteriaSet, Criterion)
    verifier = make_user("bambang.verifikator@uji.test", [Role.VERIFIER])
    registration = Registration.objects.create(
        household=factories.household(), channel="walk_in", status="visit", registered_by=verifier
    )
    visit = HomeVisit.objects.create(registration=registration, verifier=verifier)
    complaint_file(
        kind=Complaint.Kind.DISPUTE,
        channel=Complaint.Channel.DESK,
        name="Pak Darmo",
        contact="0812000111",
        description="Tidak dapat kartu.",
    )
    context, page = _browser_as(
        browser, live_server, verifier, viewport={"width": 375, "height": 740}
    )
    page.goto(f"{live_server.url}/rumah-tangga/kunjungan/{visit.pk}/")
    assert page.evaluate(PAGE_WIDTH) <= 375
    boxes = page.evaluate(
        "[...document.querySelectorAll('fieldset .form-check-label')]"
        ".map(el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; })"
    )
    assert len(boxes) >= 12
    for (_, bottom), (next_top, _) in zip(boxes, boxes[1:], strict=False):
        assert bottom <= next_top + 1, "criteria labels overlap"
    # Tapping the text of a criterion ticks its box.
    page.locator("fieldset .form-check-label").first.click()
    assert page.locator("fieldset .form-check-input").first.is_checked()
    page.goto(f"{live_server.url}/rumah-tangga/pengaduan/")
    assert page.evaluate(PAGE_WIDTH) <= 375
    context.close()


def test_the_auditors_long_menu_fits_a_desktop_screen(live_server, browser):
    from core.demo import seed_organisation

    seed_organisation()
    auditor = make_user("agus.auditor@uji.test", [Role.AUDITOR])
    context, page = _browser_as(
        browser, live_server, auditor, viewport={"width": 1280, "height": 800}
    )
    page.goto(f"{live_server.url}/dasbor/")
    assert page.evaluate(PAGE_WIDTH) <= 1280
    # One line: the bar is no taller than one row of links, and the user's menu is on it.
    assert page.get_by_test_id("main-nav").bounding_box()["height"] < 70
    assert page.get_by_test_id("current-user").is_visible()
    page.get_by_test_id("current-user").click()
    assert page.get_by_role("button", name="Keluar").is_visible()
    context.close()
