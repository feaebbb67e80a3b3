"""The health check for the proxy and monitoring, and logs without personal data."""

from __future__ import annotations

import json
import logging

import pytest

from core.logging import JsonFormatter, scrub
from core.tasks import heartbeat_write
from funds.models import LedgerHead

pytestmark = pytest.mark.django_db


def _health(client):
    response = client.get("/sehat/")
    return response.status_code, json.loads(response.content)


def test_the_health_check_answers_200_with_every_check_when_all_is_well(client):
    status, body = _health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) >= {"database", "redis", "worker", "ledger"}
    assert body["checks"]["ledger"]["ok"] and body["checks"]["ledger"]["sequence"] == 0


def test_the_health_check_is_never_cached_and_needs_no_login(client):
    response = client.get("/sehat/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_ledger_head_that_disagrees_with_the_last_transaction_fails_the_check(client):
    LedgerHead.objects.update_or_create(pk=1, defaults={"last_sequence": 7, "last_hash": "ab" * 32})
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["ledger"] == {"ok": False, "sequence": 7, "hash": "ab" * 8}
    assert body["checks"]["database"]["ok"]


def test_without_a_worker_heartbeat_background_work_is_reported_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    status, body = _health(client)
    assert status == 503 and body["checks"]["worker"] == {"ok": False, "heartbeat": None}
    heartbeat_write()
    status, body = _health(client)
    assert status == 200 and body["checks"]["worker"]["heartbeat_age_s"] < 5


def test_a_check_that_raises_is_reported_as_failed_not_as_a_crash(client, monkeypatch):
    from core import health

    def broken():
        raise ConnectionError("redis is gone")

    monkeypatch.setitem(health.CHECKS, "redis", broken)
    status, body = _health(client)
    assert status == 503 and body["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.parametrize(
    "text",
    [
        "NIK 3314011203850001 tidak ditemukan",
        "KK 3314 0115 0310 0001 ganda",
        "NIP 197805152005011002 baru",
        "telepon 0812-3456-7890 salah",
        "kontak +6281234567890",
        "kontak +62 812 3456 7890",
        "kontak +62-812-3456-7890",
        "surel budi.santoso@sragenkab.go.id ditolak",
    ],
)
def test_personal_data_never_reaches_a_log_line(text):
    cleaned = scrub(text)
    assert "[" in cleaned
    for secret in ("3314011203850001", "0001", "197805152005011002", "7890", "budi.santoso"):
        assert secret not in cleaned


def test_amounts_dates_and_ids_are_left_alone():
    text = "Impor #42 2025-03-28: 4 baris, Rp1.500.000, transaksi 1234567"
    assert scrub(text) == text


def test_a_json_log_line_masks_the_message_the_extras_and_the_traceback():
    try:
        raise ValueError("NIK 3314011203850001 ganda")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "kenanga.test", logging.ERROR, __file__, 1, "gagal untuk %s", ("0812345678901",), None
        )
        record.exc_info = sys.exc_info()
    record.person = {"nik": "3314011203850001", "email": "a@b.id", "rows": 3}
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "kenanga.test"
    assert entry["message"] == "gagal untuk [telepon]"
    assert entry["person"] == {"nik": "[nomor-identitas]", "email": "[email]", "rows": 3}
    assert "3314011203850001" not in line and "ValueError" in entry["exception"]
