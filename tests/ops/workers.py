"""Real processes for the production tests: a Celery worker and web servers on loopback.

They run the project as it runs in production (settings from the environment,
files on disk, Redis as broker) against the test database, so what they write
is what the test reads back.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url(name: str | None = None, port: int | None = None) -> str:
    """Return a DATABASE_URL for the test database (or another one on the same server)."""
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or s.get('PORT') or 5432}/{name or s['NAME']}"


def redis_url() -> str | None:
    """Return this test process's own Redis database (no other test process uses it)."""
    cache = settings.CACHES["default"]
    return cache["LOCATION"] if "redis" in cache["BACKEND"].lower() else None


def environment(*, media: Path, queue: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO", "DATABASE", "REDIS", "CELERY"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url() or "",
        CELERY_EAGER="0",
        CELERY_QUEUE=queue,
        # A killed worker's task comes back after this many seconds, not an hour.
        CELERY_VISIBILITY_TIMEOUT="3",
        MEDIA_ROOT=str(media),
        PYTHONUNBUFFERED="1",
        # The development settings, chosen on purpose (they refuse to start by accident).
        KENANGA_ENV="development",
    )
    # Uploaded files live where this test keeps them, for the other processes too.
    from django.conf import settings

    if getattr(settings, "KENANGA_FILE_ROOT", None):
        env["KENANGA_FILE_ROOT"] = str(settings.KENANGA_FILE_ROOT)
    env.update(extra)
    return env


class Process:
    """A child process in its own process group, killed as a whole (as systemd does)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self._out = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(  # noqa: S603
            args,
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.popen.poll() is not None:
                raise AssertionError(f"process ended early:\n{self.output()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not seen in {timeout} s:\n{self.output()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean shutdown, no acknowledgement."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.close()


def start_worker(env: dict[str, str], log: Path) -> Process:
    worker = Process(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            env["CELERY_QUEUE"],
            "--hostname",
            f"test-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
        log,
    )
    worker.wait_for_output(" ready.")
    return worker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_web(env: dict[str, str], log: Path) -> tuple[Process, str]:
    """Start gunicorn with the shipped configuration on a free loopback port."""
    port = free_port()
    web = Process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "config" / "gunicorn.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "config.wsgi:application",
        ],
        env,
        log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/sehat/", timeout=2)  # noqa: S310
            return web, base
        except urllib.error.HTTPError:
            return web, base  # it answers (a failing check is still an answer)
        except OSError:
            if web.popen.poll() is not None:
                break
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start:\n{web.output()[-3000:]}")


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
