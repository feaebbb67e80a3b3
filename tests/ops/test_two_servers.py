"""Two application servers sharing one PostgreSQL, one Redis and a worker (scale-out on loopback)."""

from __future__ import annotations

import datetime as dt
import re

import requests
from django.core.files.base import ContentFile
from django.test import Client

from beneficiaries.models import Household, ImportBatch
from core.roles import Role
from tests.conftest import make_user
from tests.ops.conftest import needs_postgres_and_redis
from tests.ops.test_worker import NATIONAL_HEADER, NATIONAL_ROWS
from tests.ops.workers import start_web, start_worker, wait_until

pytestmark = needs_postgres_and_redis


def _session_for(user) -> dict[str, str]:
    # Sessions live in PostgreSQL: a login made anywhere is valid on every server.
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def test_an_import_started_on_one_server_shows_its_progress_on_the_other(
    env, media, row_lock, tmp_path
):
    verifier = make_user("verif.dua.server@uji.test", [Role.VERIFIER])
    data = ("\n".join([NATIONAL_HEADER, *NATIONAL_ROWS]) + "\n").encode()
    batch = ImportBatch(
        source="dtks", as_of=dt.date(2025, 6, 30), filename="dtks.csv", created_by=verifier
    )
    batch.file_sha256 = "b" * 64
    batch.file.save("dtks.bin", ContentFile(data), save=False)
    batch.save()
    detail = f"/rumah-tangga/impor/{batch.pk}/"
    # Keep the writing waiting, so the job is caught half-way from the other server.
    # KEY SHARE blocks the import's FOR UPDATE but not the page's update of the batch.
    lock = row_lock(
        "SELECT * FROM beneficiaries_importbatch WHERE id = %s FOR KEY SHARE", [batch.pk]
    )

    web_a, base_a = start_web(env, tmp_path / "web-a.log")
    web_b, base_b = start_web(env, tmp_path / "web-b.log")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        on_a, on_b = requests.Session(), requests.Session()
        on_a.cookies.update(_session_for(verifier))
        on_b.cookies.update(on_a.cookies)

        page = on_a.get(base_a + detail, timeout=30)
        assert page.status_code == 200, page.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        started = on_a.post(
            base_a + detail,
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": base_a + detail},
            timeout=30,
        )
        assert started.status_code == 200 and started.url.endswith(detail)
        job_id = ImportBatch.objects.get(pk=batch.pk).job_id
        assert job_id

        def progress_on_b():
            answer = on_b.get(f"{base_b}/pekerjaan/{job_id}/?format=json", timeout=30)
            assert answer.status_code == 200, answer.text[:300]
            return answer.json()

        half = wait_until(
            lambda: (p := progress_on_b())["status"] == "running" and p["percent"] == 50 and p,
            what="half-way progress seen on server B",
        )
        assert Household.objects.count() == 0
        lock.release()
        done = wait_until(
            lambda: (p := progress_on_b())["status"] == "done" and p, what="the import, on B"
        )
        # Server B's page shows the finished import too.
        assert "Selesai" in on_b.get(base_b + detail, timeout=30).text or done["percent"] == 100
    finally:
        worker.stop()
        web_a.stop()
        web_b.stop()
    assert half["percent"] == 50 and done["percent"] == 100
    assert done["result_url"].endswith(detail)
    assert Household.objects.count() == 2
    # Each server answered its own requests: the start on A, the polling on B.
    assert "POST" in web_a.output() and "/pekerjaan/" not in web_a.output()
    assert "/pekerjaan/" in web_b.output()
