"""Two admins removing each other at the same instant: one of them stays (PostgreSQL row locks)."""

from __future__ import annotations

import pytest
from django.db import connection

from core.models import User
from core.services import UserAdminError, user_deactivate, user_role_revoke
from tests.concurrency import run_at_once
from tests.conftest import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises)"
    ),
]


@pytest.mark.parametrize("how", ["revoke", "deactivate"])
def test_two_admins_removing_each_other_at_once_leave_one_admin(org, how):
    first = make_user("admin.satu@uji.test", ["admin"])
    second = make_user("admin.dua@uji.test", ["admin"])
    pairs = [(first, second), (second, first)]

    def work(i):
        actor, target = pairs[i]
        if how == "revoke":
            return user_role_revoke(user=target, role="admin", actor=actor)
        return user_deactivate(user=target, actor=actor)

    results, errors = run_at_once(2, work)
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], UserAdminError), errors
    admins = User.objects.filter(is_active=True, role_assignments__role="admin")
    assert admins.count() == 1
