from core.models import AuditEntry, Organisation
from core.organisation import get_organisation


def _form(**overrides):
    data = {
        "name": "UPTPK Kabupaten Sragen",
        "short_name": "UPTPK",
        "legal_status": "community_fund",
        "pub_permit_number": "",
        "zakat_license_number": "",
        "npwp": "01.234.567.8-528.000",
        "address": "Sragen",
        "region_code": "33.14",
        "phone": "",
        "email": "",
        "signatory_name": "Heru",
        "signatory_title": "Kepala",
        "signatory_nip": "",
        "treasurer_signatory_name": "",
        "treasurer_signatory_nip": "",
    }
    data.update(overrides)
    return data


def test_an_admin_edits_the_profile_and_the_change_is_audited(personas, login):
    response = login(personas["admin"]).post(
        "/organisasi/", _form(pub_permit_number="PUB 123/2026")
    )
    assert response.status_code == 302
    assert get_organisation().may_collect_publicly
    entry = AuditEntry.objects.get(action="core.organisation.updated")
    assert entry.changes["pub_permit_number"] == ["", "PUB 123/2026"]
    assert entry.actor == personas["admin"]


def test_a_zakat_body_must_give_its_licence(personas, login):
    response = login(personas["admin"]).post("/organisasi/", _form(legal_status="zakat_body"))
    assert response.status_code == 200
    assert "nomor izin" in response.content.decode()
    assert get_organisation().legal_status == Organisation.LegalStatus.COMMUNITY_FUND


def test_a_malformed_npwp_or_nip_is_refused_and_nothing_changes(personas, login):
    client = login(personas["admin"])
    response = client.post("/organisasi/", _form(npwp="123", signatory_nip="12ab", name="Lain"))
    body = response.content.decode()
    assert "NPWP harus 15 atau 16 angka" in body
    assert "NIP harus 18 angka" in body
    assert get_organisation().name == "UPTPK Kabupaten Sragen"
    assert not AuditEntry.objects.filter(action="core.organisation.updated").exists()


def test_a_logo_that_is_not_an_image_is_refused(personas, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = login(personas["admin"]).post("/organisasi/", {**_form(), "logo": fake})
    assert response.status_code == 200
    assert (
        "Isi berkas bukan" in response.content.decode()
        or "gambar" in response.content.decode().lower()
    )


def test_a_logo_is_stored_re_encoded_under_our_own_name(personas, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.test_stored_files import png_with_script

    upload = SimpleUploadedFile("Logo Kantor.png", png_with_script(), content_type="image/png")
    response = login(personas["admin"]).post("/organisasi/", {**_form(), "logo": upload})
    assert response.status_code == 302
    logo = get_organisation().logo
    assert logo.name.startswith("organisation/logo") and logo.name.endswith(".png")
    with logo.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"\x89PNG") and b"script" not in data
