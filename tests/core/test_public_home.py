"""A citizen arriving on the home page finds the complaint form and the tracker."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian_again_after_the_test():
    """Switching to English activates it for the thread: later tests expect Indonesian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_home_page_links_a_logged_out_citizen_to_the_complaint_form_and_the_tracker(
    client, org
):
    page = client.get("/").content.decode()
    assert f'href="{reverse("beneficiaries:complaint_public")}"' in page
    assert f'href="{reverse("beneficiaries:complaint_track")}"' in page
    assert client.get(reverse("beneficiaries:complaint_public")).status_code == 200
    assert client.get(reverse("beneficiaries:complaint_track")).status_code == 200


def test_the_home_page_offers_the_complaint_in_english_too(client, org):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Submit a complaint" in page
    assert "Sampaikan pengaduan" not in page
