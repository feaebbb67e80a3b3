"""Which reads may go to the replica: public pages' data, never logins or sessions."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from beneficiaries.models import Complaint
from config import env
from core.models import Organisation, User
from core.replica import ReplicaRouter, _use_replica


def test_outside_a_public_page_the_router_leaves_reads_to_the_default():
    assert ReplicaRouter().db_for_read(Complaint) is None


def test_on_a_public_page_data_is_read_from_the_replica_but_logins_from_the_primary():
    router, token = ReplicaRouter(), _use_replica.set(True)
    try:
        assert router.db_for_read(Complaint) == "replica"
        assert router.db_for_read(Organisation) == "replica"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(User) == "default"
        assert router.db_for_write(Complaint) == "default"
    finally:
        _use_replica.reset(token)


def test_migrations_run_only_on_the_primary():
    assert ReplicaRouter().allow_migrate("default", "beneficiaries")
    assert not ReplicaRouter().allow_migrate("replica", "beneficiaries")


def test_a_replica_without_postgresql_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "sqlite:///replica.sqlite3")
    with pytest.raises(env.EnvError, match="DATABASE_REPLICA_URL: a replica needs PostgreSQL"):
        import importlib

        import config.settings.base as base

        importlib.reload(base)
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    importlib.reload(base)
