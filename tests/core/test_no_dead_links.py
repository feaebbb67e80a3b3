"""A user who follows the menu, the dashboard or a page's sub-menu never lands on a dead end."""

import re

import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')
SKIP = ("/admin/", "/akun/", "/static/", "/i18n/")


def _links(response) -> set[str]:
    return {href for href in LINK.findall(response.content.decode()) if not href.startswith(SKIP)}


@pytest.mark.parametrize("role", [str(r) for r in Role])
def test_every_link_on_the_dashboard_and_the_menu_pages_opens_for_the_role(role, personas, login):
    client = login(personas[role])
    dashboard = client.get("/dasbor/")
    assert dashboard.status_code == 200
    first = _links(dashboard)
    seen = {"/dasbor/"}
    broken = []
    for url in sorted(first):
        seen.add(url)
        response = client.get(url)
        if response.status_code in (404, 500):
            broken.append((url, response.status_code))
            continue
        if response.status_code == 200 and "html" in response["Content-Type"]:
            for deeper in sorted(_links(response) - seen):
                # Sub-menus of the app pages: links without an object in them.
                if re.search(r"/\d+/", deeper) or "export=" in deeper:
                    continue
                seen.add(deeper)
                answer = client.get(deeper)
                if answer.status_code in (404, 500):
                    broken.append((f"{url} -> {deeper}", answer.status_code))
    assert broken == []


def test_the_households_sub_menu_shows_a_fund_manager_only_the_pages_he_may_open(personas, login):
    page = login(personas[Role.FUND_MANAGER]).get("/rumah-tangga/").content.decode()
    assert 'href="/rumah-tangga/statistik/"' in page
    assert 'href="/rumah-tangga/kunjungan/"' not in page
    assert 'href="/rumah-tangga/loket/"' not in page
    assert 'href="/rumah-tangga/pengaduan/"' not in page


def test_the_households_sub_menu_shows_a_verifier_his_visits_but_a_head_not(personas, login):
    verifier = login(personas[Role.VERIFIER]).get("/rumah-tangga/").content.decode()
    assert 'href="/rumah-tangga/kunjungan/"' in verifier
    head = login(personas[Role.HEAD]).get("/rumah-tangga/").content.decode()
    assert 'href="/rumah-tangga/kunjungan/"' not in head
    assert 'href="/rumah-tangga/keputusan/"' in head


def _next_link(page: str) -> str:
    return re.search(r'<li class="next page-item">.*?</li>', page, re.S).group()


def test_the_page_links_of_a_long_list_speak_the_users_language(personas, login):
    from django.utils import translation

    from core.audit import audit_log

    for number in range(60):
        audit_log(personas[Role.ADMIN], "core.uji.langkah", actor=None, changes={"n": number})
    client = login(personas[Role.AUDITOR])
    assert "berikutnya" in _next_link(client.get("/audit/").content.decode())
    client.post("/i18n/setlang/", {"language": "en", "next": "/audit/"})
    english = _next_link(client.get("/audit/").content.decode())
    translation.activate("id")
    assert "next" in english and "berikutnya" not in english
