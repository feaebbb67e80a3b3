"""Fixtures of the production tests: real workers on Redis against the test database."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import connection

from tests.ops.workers import database_url, environment, redis_url

needs_postgres_and_redis = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real workers and servers share the database through PostgreSQL; "
        "SQLite's embedded default runs background work in-process",
    ),
    pytest.mark.skipif(redis_url() is None, reason="needs REDIS_URL (the Celery broker)"),
]


@pytest.fixture
def queue() -> str:
    return f"kenanga-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def media(tmp_path, settings):
    """Uploads on disk in a folder every process of the test shares."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return folder


@pytest.fixture
def env(media, queue):
    return environment(media=media, queue=queue)


@pytest.fixture
def broker(queue):
    """Send tasks to the real broker (not eagerly) for the length of one test."""
    from config.celery import app

    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    url = redis_url()

    def send(task, *args):
        with app.connection_for_write(url) as conn:
            task.apply_async(args=list(args), connection=conn, queue=queue)

    yield send
    app.conf.task_always_eager = was_eager


class RowLock:
    """Hold a row lock from another connection, as a slow competing transaction would."""

    def __init__(self, sql: str, params: list):
        self.conn = psycopg.connect(database_url(), autocommit=False)
        self.conn.execute(sql, params).fetchall()

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


@pytest.fixture
def row_lock():
    held = []

    def take(sql: str, params: list) -> RowLock:
        lock = RowLock(sql, params)
        held.append(lock)
        return lock

    yield take
    for lock in held:
        lock.release()


from tests.donors.csr_fixtures import (  # noqa: E402,F401  (fixtures of the CSR tests)
    csr_books,
    partner,
)
