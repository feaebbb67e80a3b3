"""The real Redis that production uses for the cache and the Celery broker."""

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL not set: Redis runs in the CI PostgreSQL pass"
)


def test_the_cache_talks_to_redis():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("kenanga-ping", "pong", 30)
    assert cache.get("kenanga-ping") == "pong"


def test_the_celery_broker_is_reachable():
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected
