"""Settings for bench/run.py: production-like (no debug), local services."""

from config.settings.base import *  # noqa: F403

KENANGA_ENV = "bench"
DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The benchmark server adds a bare Django view, the yardstick of the load test.
ROOT_URLCONF = "bench.urls"
# The in-process page measurements use Django's test client ("testserver").
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
WHITENOISE_USE_FINDERS = True
