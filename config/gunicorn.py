"""gunicorn settings for Kenanga: gunicorn --config config/gunicorn.py config.wsgi:application

Values come from the environment (same file as the application's, see
docs/deploy/). Behind nginx or any reverse proxy on the same machine.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages wait on PostgreSQL more than on the CPU: 2 × cores + 1 sync workers.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Large imports run in the background worker; a page that takes longer than this is a fault.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never takes a server down.
max_requests = 2000
max_requests_jitter = 200
# Load the application once in the master: faster worker start, less memory.
preload_app = True
# Only the proxy on this machine may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The path without its query string: searches by NIK or name never reach the log.
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
)
