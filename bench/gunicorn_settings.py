"""Bench settings for a gunicorn server: production-like, with the bare yardstick view."""

from config.settings.bench import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
