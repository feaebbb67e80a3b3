"""The shipped regions and criteria sets survive a flush of the database."""

import pytest
from django.core.management import call_command

from beneficiaries.models import CriteriaSet, Region

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_flush_puts_the_shipped_regions_and_criteria_back():
    call_command("flush", interactive=False, verbosity=0)
    assert Region.objects.filter(pk="33.14.05").get().name == "Sambirejo"
    assert CriteriaSet.objects.exists()
