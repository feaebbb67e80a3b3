"""Two officers acting on the same case at the same moment (PostgreSQL row locks)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import Basis, Card, Decision, Grade, Registration
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


def test_two_deciders_at_once_give_one_decision_and_one_card(org):
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
