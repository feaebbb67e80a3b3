"""Celery application. Workers: celery -A config worker; periodic jobs: celery -A config beat.

Installations without beat run the same periodic jobs from cron with
`python manage.py run_periodic` (see docs/operations.md); each job runs at
most once a day, so running both does no harm.
"""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
app = Celery("kenanga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of every app, in one place. Times are local (CELERY_TIMEZONE).
# Add an app's job here; `manage.py run_periodic` runs the same list.
app.conf.beat_schedule = {
    "core.sessions_clear": {
        "task": "core.tasks.sessions_clear",
        "schedule": crontab(hour=2, minute=15),
    },
    # Uploaded files past their retention, and encrypted files no record owns.
    "core.files_purge": {
        "task": "core.tasks.files_purge",
        "schedule": crontab(hour=2, minute=30),
    },
    "beneficiaries.complaints_overdue_remind": {
        "task": "beneficiaries.tasks.complaints_overdue_remind",
        "schedule": crontab(hour=6, minute=30),
    },
    "beneficiaries.cards_expiring_remind": {
        "task": "beneficiaries.tasks.cards_expiring_remind",
        "schedule": crontab(hour=6, minute=35),
    },
    "donors.send_instalment_reminders": {
        "task": "donors.send_instalment_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}


@worker_ready.connect
def _start_heartbeat(**kwargs) -> None:
    # The health check reads this heartbeat to tell whether any worker is alive.
    from core.tasks import heartbeat_start

    heartbeat_start()
