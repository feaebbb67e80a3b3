"""The shipped gunicorn configuration with production settings: static files, health, workers."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

from tests.ops.conftest import needs_postgres_and_redis
from tests.ops.workers import ROOT, start_web, start_worker, wait_until

pytestmark = needs_postgres_and_redis

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "p" * 20 + "roduction-test-key-0123456789-abcdefghij",
    "KENANGA_DATA_KEY": "dGVzdC1rZXktZm9yLXRoZS1wcm9kdWN0aW9uLXRlc3Q=",
    "KENANGA_CHAIN_KEY": "q7Vx2LmN9pRs4TuW8yZa1BcD3eFgH5jK",
    "ALLOWED_HOSTS": "kenanga.test",
    "LOG_FORMAT": "json",
}


def _get(base: str, path: str):
    request = urllib.request.Request(  # noqa: S310
        base + path, headers={"Host": "kenanga.test", "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_gunicorn_serves_collected_static_files_and_reports_the_worker_in_its_health(env, tmp_path):
    env = {**env, **PRODUCTION, "STATIC_ROOT": str(tmp_path / "static")}
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    css = next(v for k, v in manifest["paths"].items() if k.endswith("bootstrap.min.css"))

    web, base = start_web(env, tmp_path / "web.log")
    try:
        status, headers, body = _get(base, f"/static/{css}")
        assert status == 200 and len(body) > 10_000
        assert "max-age=315360000" in headers["Cache-Control"]  # hashed name: cache forever

        status, _, body = _get(base, "/sehat/")
        report = json.loads(body)
        assert status == 503 and report["checks"]["worker"]["ok"] is False
        assert report["checks"]["database"]["ok"] and report["checks"]["redis"]["ok"]

        worker = start_worker(env, tmp_path / "worker.log")
        try:
            wait_until(lambda: _get(base, "/sehat/")[0] == 200, timeout=30, what="a heartbeat")
        finally:
            worker.stop()
    finally:
        web.stop()
    # The access log is JSON, one line a request, with the path and without query strings.
    lines = [json.loads(line) for line in web.output().splitlines() if line.startswith("{")]
    access = [line for line in lines if "path" in line]
    assert any(line["path"] == "/sehat/" and line["status"] == 200 for line in access)
    # Django's own lines are JSON too (the 503 answers are logged as warnings).
    assert any(line.get("logger") == "django.request" for line in lines)
