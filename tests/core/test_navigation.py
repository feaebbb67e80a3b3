"""The menu: grouped by task, the page being read marked, nothing a role may not open."""

import re

from core.registry import GROUPS, NAV, NavItem, menu, register_nav


def _groups(body: str) -> list[str]:
    return re.findall(r'data-nav-group="([a-z_]+)"', body)


def test_the_menu_groups_a_fund_managers_pages_by_task(personas, login):
    body = login(personas["fund_manager"]).get("/dasbor/").content.decode()
    assert _groups(body) == ["households", "help", "donors", "money"]
    assert "Keuangan" in body and "Donatur" in body


def test_the_page_being_read_is_marked_in_the_menu(personas, login):
    body = login(personas["fund_manager"]).get("/donatur/sumbangan/").content.decode()
    current = re.findall(
        r'<a class="dropdown-item active" href="([^"]+)" aria-current="page"', body
    )
    assert current == ["/donatur/sumbangan/"]
    # The group holding it is marked too, so the reader sees where they are with the menu closed.
    assert re.search(
        r'nav-link dropdown-toggle active"[^>]*aria-current="true"[^>]*>\s*<i class="bi bi-people"',
        body,
    )


def test_a_detail_page_marks_the_list_it_belongs_to(personas, login, rf):
    from django.urls import resolve

    request = rf.get("/donatur/999/")
    request.resolver_match = resolve("/donatur/999/")
    groups = menu(personas["fund_manager"], request)
    marked = [e.href for g in groups for e in g.entries if e.current]
    assert marked == ["/donatur/"]


def test_the_dashboard_is_marked_on_the_dashboard(personas, login):
    body = login(personas["verifier"]).get("/dasbor/").content.decode()
    assert re.search(r'class="nav-link active" href="/dasbor/" aria-current="page"', body)


def test_a_contributor_sees_only_their_own_page(personas, login):
    body = login(personas["contributor"]).get("/dasbor/").content.decode()
    assert _groups(body) == ["mine"]
    assert "/donatur/saya/" in body
    assert "/dana/" not in body


def test_the_menu_never_offers_a_page_the_role_cannot_open(personas, login):
    from django.test import Client
    from django.urls import reverse

    for name, user in personas.items():
        if name == "outsider":
            continue
        client: Client = login(user)
        for group in menu(user):
            for entry in group.entries:
                status = client.get(entry.href).status_code
                assert status == 200, f"{name}: {entry.href} -> {status}"
    assert reverse("core:dashboard")


def test_an_entry_without_a_group_lands_in_its_apps_group(monkeypatch):
    monkeypatch.setattr("core.registry.NAV", list(NAV))
    register_nav("Uji", "funds:fund_new", ["treasurer"], order=999)
    from core import registry

    item = next(i for i in registry.NAV if i.url_name == "funds:fund_new")
    assert item == NavItem("Uji", "funds:fund_new", frozenset({"treasurer"}), 999, "money", "")


def test_an_entry_may_name_its_group_and_icon(monkeypatch):
    monkeypatch.setattr("core.registry.NAV", list(NAV))
    register_nav("Uji", "funds:transfer_new", ["treasurer"], group="public", icon="star")
    from core import registry

    item = next(i for i in registry.NAV if i.url_name == "funds:transfer_new")
    assert (item.group, item.icon) == ("public", "star")
    assert "public" in GROUPS


def test_the_language_choice_shows_whole_names_each_in_its_own_language(db, client):
    body = client.get("/").content.decode()
    assert ">Bahasa Indonesia</button>" in body and ">English</button>" in body


def test_the_sub_menus_that_repeated_the_menu_are_gone(personas, login):
    body = login(personas["fund_manager"]).get("/donatur/").content.decode()
    assert body.count('href="/donatur/opd/"') == 1


def test_the_brand_shows_the_organisation_logo_or_the_default_mark(personas, login, org):
    body = login(personas["fund_manager"]).get("/dasbor/").content.decode()
    assert 'data-testid="brand-mark"' in body
    assert 'rel="icon"' in body


def test_the_logo_address_serves_the_uploaded_logo_as_an_image(db, client, org, tmp_path, settings):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")
    org.logo.save("logo.png", ContentFile(buf.getvalue()))
    response = client.get("/logo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert 'data-testid="brand-logo"' in client.get("/").content.decode()


def test_a_logo_file_that_is_not_an_image_is_not_served(db, client, org, tmp_path, settings):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    org.logo.save("logo.png", ContentFile(b"<script>alert(1)</script>"))
    assert client.get("/logo/").status_code == 404


def test_icons_are_served_locally(db):
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap-icons/font/bootstrap-icons.min.css")
    assert finders.find("bootstrap-icons/font/fonts/bootstrap-icons.woff2")
    assert finders.find("tomselect/js/django-tomselect.min.js")
