import re
from pathlib import Path

from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_home_page_speaks_indonesian_by_default(db, client):
    body = client.get("/").content.decode()
    assert '<html lang="id">' in body
    assert "Laporan terbuka" in body


def test_the_language_switch_turns_the_site_english(db, client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Open reports" in body


def test_not_found_pages_exist_in_both_languages(db, client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/tidak-ada/").content.decode()


def test_forbidden_pages_exist_in_both_languages(personas, login):
    client = login(personas["auditor"])
    response = client.post("/organisasi/", {})
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Access denied" in client.post("/organisasi/", {}).content.decode()


@override_settings(DEBUG=False)
def test_the_server_error_page_needs_no_database_and_speaks_both_languages(rf):
    from core.errors import server_error

    body = server_error(rf.get("/")).content.decode()
    assert "Terjadi kesalahan" in body and "Server error" in body


def test_pages_load_no_asset_from_the_network():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r'(src|href)="(https?:)?//', template.read_text()):
            offenders.append(f"{template.name}: {match.group(0)}")
    assert offenders == []


def test_bootstrap_and_htmx_are_served_locally(db, client, settings):
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("bootstrap/js/bootstrap.bundle.min.js")
    assert finders.find("htmx/htmx.min.js")


def test_forms_label_every_field_for_screen_readers(personas, login):
    body = login(personas["admin"]).get("/organisasi/").content.decode()
    inputs = re.findall(r'<(?:input|select|textarea)[^>]*id="(id_[a-z_]+)"', body)
    assert inputs
    for field_id in inputs:
        assert f'for="{field_id}"' in body, field_id


def test_a_browser_asking_for_english_still_gets_indonesian_until_the_user_switches(db, client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in body
