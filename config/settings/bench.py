"""Settings for bench/run.py: production-like (no debug), local services."""

from config.settings.base import *  # noqa: F403

KENANGA_ENV = "bench"
DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
