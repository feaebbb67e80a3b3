"""Each role's dashboard leads with the work waiting for it, with counts, then key figures."""

import re

import pytest
from django.urls import reverse

from beneficiaries.models import HomeVisit, Registration
from core.roles import Role
from tests.beneficiaries import factories

pytestmark = pytest.mark.django_db


def _queue(body: str) -> dict[str, int]:
    rows = re.findall(
        r'data-testid="queue-row">\s*<a [^>]*>([^<]+)</a>\s*<span [^>]*data-testid="queue-count">(\d+)<',
        body,
    )
    return {label.strip(): int(count) for label, count in rows}


def _awaiting(personas, n):
    for _ in range(n):
        Registration.objects.create(
            household=factories.household(),
            channel="walk_in",
            status=Registration.Status.AWAITING_DECISION,
            registered_by=personas[Role.VERIFIER],
        )


def test_the_head_is_told_how_many_households_wait_for_a_decision(personas, login):
    _awaiting(personas, 3)
    body = login(personas[Role.HEAD]).get(reverse("core:dashboard")).content.decode()
    queue = _queue(body)
    assert queue["Rumah tangga menunggu keputusan"] == 3
    # The queue comes before the key figures and the panels.
    assert body.index('data-testid="work-queue"') < body.index('data-testid="key-figures"')


def test_a_verifier_is_told_how_many_visits_wait_for_them(personas, login):
    registration = Registration.objects.create(
        household=factories.household(),
        channel="walk_in",
        status="visit",
        registered_by=personas[Role.HEAD],
    )
    HomeVisit.objects.create(registration=registration, verifier=personas[Role.VERIFIER])
    queue = _queue(login(personas[Role.VERIFIER]).get(reverse("core:dashboard")).content.decode())
    assert queue["Kunjungan rumah yang ditugaskan kepada saya"] == 1
    assert "Rumah tangga menunggu keputusan" not in queue


def test_the_treasurers_dashboard_is_not_the_fund_managers(personas, login):
    treasurer = _queue(
        login(personas[Role.TREASURER]).get(reverse("core:dashboard")).content.decode()
    )
    manager = _queue(
        login(personas[Role.FUND_MANAGER]).get(reverse("core:dashboard")).content.decode()
    )
    assert "Baris rekening koran belum dicocokkan" in treasurer
    assert "Baris rekening koran belum dicocokkan" not in manager
    assert "Berkas potongan gaji menunggu dibukukan" in manager
    assert "Berkas potongan gaji menunggu dibukukan" not in treasurer


def test_the_auditor_sees_key_figures_and_no_work_queue(personas, login):
    body = login(personas[Role.AUDITOR]).get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="work-queue"' not in body
    assert 'data-testid="key-figures"' in body and "Rumah tangga terdaftar" in body


def test_a_contributor_sees_their_own_yearly_totals(personas, login):
    body = login(personas[Role.CONTRIBUTOR]).get(reverse("core:dashboard")).content.decode()
    assert "Sumbangan saya" in body and "Rp0" in body
    assert "Donatur aktif" not in body


def test_every_count_on_a_dashboard_links_to_where_the_work_is_done(personas, login):
    _awaiting(personas, 1)
    client = login(personas[Role.HEAD])
    body = client.get(reverse("core:dashboard")).content.decode()
    links = re.findall(r'data-testid="queue-row">\s*<a href="([^"]+)"', body)
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href
