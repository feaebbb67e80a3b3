"""A hostile upload cannot run script in the browser of the staff who opens it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.crypto import encrypt_bytes
from core.models import StoredFile
from core.roles import Role
from core.uploads import _write_private, file_root
from tests.beneficiaries.test_browser import _browser_as
from tests.conftest import make_user
from tests.core.test_stored_files import png_with_script

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'pwned\'">'
    b"<script>document.title='pwned'</script></svg>"
)
# What the script would do if it ran: read a household page and note it was there.
HTML = (
    b"<html><body><script>window.__pwned = true; document.title = 'pwned';"
    b"fetch('/rumah-tangga/').then(() => { document.title = 'pwned-fetch'; });"
    b"</script></body></html>"
)


def _photo_upload(page, live_server, visit_pk, name, content, mime):
    page.goto(f"{live_server.url}{reverse('beneficiaries:visit', args=[visit_pk])}")
    page.set_input_files(
        "input[name='photo-image']", files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    page.get_by_label("Nama yang memberi izin", exact=False).fill("Bu Sumi")
    page.get_by_test_id("photo-upload").click()


def test_a_hostile_upload_cannot_run_script_for_the_head(live_server, browser, settings):
    from beneficiaries.models import VisitPhoto
    from core.demo import seed_organisation
    from tests.beneficiaries.test_views import _assigned_visit

    settings.KENANGA_FILE_ROOT = str(file_root())
    seed_organisation()
    personas = {
        Role.VERIFIER: make_user("bambang.verifikator@uji.test", [Role.VERIFIER]),
        Role.HEAD: make_user("heru.kepala@uji.test", [Role.HEAD]),
    }
    visit = _assigned_visit(personas)

    context, page = _browser_as(browser, live_server, personas[Role.VERIFIER])
    _photo_upload(page, live_server, visit.pk, "foto.html", png_with_script(), "text/html")
    _photo_upload(page, live_server, visit.pk, "gambar.svg", SVG, "image/svg+xml")
    context.close()
    # The PNG is kept (re-encoded, as PNG); the SVG is refused.
    photo = VisitPhoto.objects.get()
    assert photo.file.kind == "png" and photo.file.path.endswith(".png.enc")

    # Even if something got past the content check, the response would not run it:
    # plant an HTML page in the store as though it were a PNG.
    planted = StoredFile.objects.create(
        purpose="beneficiaries.visit_photo", kind="png", path="planted.png.enc", sha256="0" * 64
    )
    _write_private(file_root() / planted.path, encrypt_bytes(HTML))
    VisitPhoto.objects.create(
        visit=visit, file=planted, consent_by="x", uploaded_by=personas[Role.VERIFIER]
    )

    context, page = _browser_as(browser, live_server, personas[Role.HEAD])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for photo in VisitPhoto.objects.order_by("pk"):
        url = f"{live_server.url}{reverse('beneficiaries:visit_photo', args=[photo.pk])}"
        response = page.goto(url)
        assert response.status == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"].startswith("sandbox")
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned === undefined")
        assert "pwned" not in page.title()
    # The real photo still shows as an image.
    first = VisitPhoto.objects.order_by("pk").first()
    page.goto(f"{live_server.url}{reverse('beneficiaries:visit', args=[visit.pk])}")
    src = reverse("beneficiaries:visit_photo", args=[first.pk])
    width = page.locator(f"img[src='{src}']").evaluate("img => img.complete && img.naturalWidth")
    assert width == 4
    assert dialogs == []
    context.close()
