"""Settings for the test suite: same as the embedded default, faster hashing,
background work in-process. DATABASE_URL and REDIS_URL still apply, so the
same suite runs against PostgreSQL and Redis in CI."""

from config.settings.base import *  # noqa: F403

KENANGA_ENV = "test"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]

# Each pytest-xdist worker gets its own Redis database, so that one worker
# clearing its cache never touches another's rate-limit counters.
if REDIS_URL:  # noqa: F405
    import os
    from urllib.parse import urlparse, urlunparse

    # KENANGA_TEST_REDIS_BASE lets several checkouts test on one Redis at once.
    _base = int(os.environ.get("KENANGA_TEST_REDIS_BASE", "15"))
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
    _db = _base - (int(_worker[2:]) + 1 if _worker[2:].lstrip("-").isdigit() else 0)
    _url = urlparse(REDIS_URL)  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urlunparse(_url._replace(path=f"/{max(_db, 1)}")),
            "KEY_PREFIX": "kenanga-test",
        }
    }
