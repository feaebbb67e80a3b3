"""WSGI entry for the bench's gunicorn server (settings: bench.gunicorn_settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.gunicorn_settings")
application = get_wsgi_application()
