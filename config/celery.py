"""Celery application. Workers: celery -A config worker -l info; schedule: celery -A config beat."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
app = Celery("kenanga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Installations without beat run `manage.py send_instalment_reminders` from cron instead.
    "csr-instalment-reminders": {
        "task": "donors.send_instalment_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
