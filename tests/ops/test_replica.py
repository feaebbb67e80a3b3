"""Public pages read from a real PostgreSQL streaming replica; writes still go to the primary.

The test builds its own small cluster on loopback from the installed
PostgreSQL binaries: a primary (initdb), loaded with the test database, and a
replica made from it with pg_basebackup, streaming. Both run as the postgres
OS user in a temporary folder and are stopped at the end.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

from tests.ops.workers import database_url, environment, free_port, start_web, wait_until

PG_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a replica is PostgreSQL's"),
    pytest.mark.skipif(not (PG_BIN / "pg_basebackup").exists(), reason=f"no {PG_BIN}"),
    pytest.mark.skipif(
        os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres",
        reason="starting PostgreSQL servers needs root (to run them as postgres) or postgres",
    ),
]


def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    command = [str(a) for a in args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=120, **kwargs
    )  # noqa: S603


class Cluster:
    """A primary and a streaming replica on two loopback ports."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="kenanga-replica-"))
        shutil.chown(self.base, "postgres", "postgres")
        self.primary_port, self.replica_port = free_port(), free_port()
        self.running: list[Path] = []

    def _start(self, data: Path, port: int) -> None:
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
            "-c fsync=off -c max_connections=30 -c shared_buffers=16MB"
        )
        _as_postgres(
            PG_BIN / "pg_ctl", "-D", data, "-l", f"{data}.log", "-o", options, "-w", "start"
        )
        self.running.append(data)

    def url(self, port: int, name: str = "kenanga") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"

    def start(self, source_url: str) -> None:
        primary = self.base / "primary"
        _as_postgres(
            PG_BIN / "initdb", "-D", primary, "--auth=trust", "-U", "postgres", "--no-sync"
        )
        self._start(primary, self.primary_port)
        _as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.primary_port, "kenanga")
        dump = subprocess.run(  # noqa: S603
            [PG_BIN / "pg_dump", "--no-owner", "--no-privileges", source_url],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(  # noqa: S603
            [PG_BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", self.url(self.primary_port)],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )
        replica = self.base / "replica"
        _as_postgres(
            PG_BIN / "pg_basebackup",
            "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres",
            "-D", replica, "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        self._start(replica, self.replica_port)

    def stop(self) -> None:
        for data in reversed(self.running):
            subprocess.run(  # noqa: S603
                ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
                + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def cluster():
    made = Cluster()
    try:
        made.start(database_url())
        yield made
    finally:
        made.stop()


def _count(url: str, reference: str) -> int:
    with psycopg.connect(url) as conn:
        sql = "select count(*) from beneficiaries_complaint where reference = %s"
        return conn.execute(sql, [reference]).fetchone()[0]


def test_public_pages_read_from_the_replica_and_writes_go_to_the_primary(cluster, media, tmp_path):
    primary, replica = cluster.url(cluster.primary_port), cluster.url(cluster.replica_port)
    with psycopg.connect(replica) as conn:
        assert conn.execute("select pg_is_in_recovery()").fetchone() == (True,)
    env = environment(
        media=media, queue="unused", DATABASE_URL=primary, DATABASE_REPLICA_URL=replica
    )
    env["REDIS_URL"], env["CELERY_EAGER"] = "", "1"
    web, base = start_web(env, tmp_path / "web.log")
    try:
        citizen = requests.Session()
        form = citizen.get(base + "/rumah-tangga/pengaduan-publik/", timeout=30)
        assert form.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        # Freeze the replica where it is: what is written from now on is not on it yet.
        with psycopg.connect(replica, autocommit=True) as conn:
            conn.execute("select pg_wal_replay_pause()")

        thanks = citizen.post(
            base + "/rumah-tangga/pengaduan-publik/",
            data={
                "csrfmiddlewaretoken": token,
                "kind": "other",
                "name": "Warga Keden",
                "contact": "081234567890",
                "description": "Bantuan belum sampai",
            },
            headers={"Referer": base + "/rumah-tangga/pengaduan-publik/"},
            timeout=30,
        )
        assert thanks.status_code == 200, thanks.text[:500]
        reference = re.search(r'data-testid="complaint-reference">([^<]+)<', thanks.text).group(1)
        # The write went to the primary (a replica would have refused it: read-only).
        assert _count(primary, reference) == 1 and _count(replica, reference) == 0

        track = base + f"/rumah-tangga/pengaduan-publik/lacak/?nomor={reference}"
        # The public tracking page reads the paused replica: it does not know the complaint yet.
        assert "tidak ditemukan" in citizen.get(track, timeout=30).text

        with psycopg.connect(replica, autocommit=True) as conn:
            conn.execute("select pg_wal_replay_resume()")
        wait_until(lambda: _count(replica, reference) == 1, timeout=30, what="replay")
        page = citizen.get(track, timeout=30).text
        assert "tidak ditemukan" not in page and f"{reference}: " in page

        health = requests.get(base + "/sehat/", timeout=30).json()
        assert health["checks"]["replica"]["ok"] is True
    finally:
        web.stop()
