"""The shipped poverty criteria read in the user's language on the visit form and the decision page."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from beneficiaries.models import CriteriaSet, HomeVisit, Registration
from core.roles import Role
from tests.beneficiaries import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian_again_after_the_test():
    """Switching to English activates it for the thread: later tests expect Indonesian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _visit(personas) -> HomeVisit:
    registration = Registration.objects.create(
        household=factories.household(),
        channel="walk_in",
        status="visit",
        registered_by=personas[Role.HEAD],
    )
    return HomeVisit.objects.create(registration=registration, verifier=personas[Role.VERIFIER])


def test_the_visit_form_lists_the_criteria_in_english_for_an_english_reader(personas, login):
    visit = _visit(personas)
    client = login(personas[Role.VERIFIER])
    url = reverse("beneficiaries:visit", args=[visit.pk])
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = client.get(url).content.decode()
    assert "Cooks with firewood, charcoal or kerosene" in english
    assert "Bahan bakar memasak kayu bakar" not in english
    client.post("/i18n/setlang/", {"language": "id", "next": url})
    indonesian = client.get(url).content.decode()
    assert "Bahan bakar memasak kayu bakar, arang atau minyak tanah" in indonesian


def test_the_stored_criteria_stay_in_indonesian_whatever_the_language(personas, login):
    visit = _visit(personas)
    client = login(personas[Role.VERIFIER])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.get(reverse("beneficiaries:visit", args=[visit.pk]))
    texts = set(CriteriaSet.objects.get(code="bps-14").items.values_list("text", flat=True))
    assert "Bahan bakar memasak kayu bakar, arang atau minyak tanah" in texts
