"""Two officers acting on the same case at the same moment (PostgreSQL row locks)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import Basis, Card, Decision, Grade, Region, Registration
from beneficiaries.regions import load_regions
from beneficiaries.services import registration_decide
from core.roles import Role
from tests.beneficiaries import factories
from tests.conftest import make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT FOR UPDATE)"
    ),
]


@pytest.fixture(autouse=True)
def _shipped_regions_and_criteria():
    """Put back the data migration's regions and criteria.

    A transactional test that ran earlier on the same worker (e.g. another app's
    concurrency test) flushes every table, the migration-loaded rows included.
    Both loaders only add what is missing.
    """
    from beneficiaries.criteria import load_criteria
    from beneficiaries.models import CriteriaSet, Criterion, Region
    from beneficiaries.regions import load_regions

    load_regions(Region)
    load_criteria(CriteriaSet, Criterion)


def test_two_deciders_at_once_give_one_decision_and_one_card(org):
    # An earlier transactional test in this worker may have flushed the shipped regions.
    load_regions(Region)
    home = factories.household(listed=True)
    clerk = make_user("loket@uji.test", [Role.VERIFIER])
    registration = Registration.objects.create(
        household=home, channel="walk_in", status="awaiting", registered_by=clerk
    )
    deciders = [
        make_user("kepala@uji.test", [Role.HEAD]),
        make_user("dewi@uji.test", [Role.VERIFIER]),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            registration_decide(
                registration=registration,
                eligible=True,
                grade=Grade.POOR,
                basis=Basis.NATIONAL_LIST,
                actor=user,
                on=dt.date(2026, 1, 1),
            )
            outcomes.append("decided")
        except BeneficiaryError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide, args=(user,)) for user in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["decided", "refused"]
    assert Decision.objects.count() == 1 and Card.objects.count() == 1
