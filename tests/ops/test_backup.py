"""Backups that are proved: dump, restore into a new database and folder, verify there."""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from beneficiaries.models import Region
from beneficiaries.regions import load_regions
from donors.models import Contribution, Donor
from donors.services import gift_record
from funds.models import Fund, MoneyLocation
from tests.beneficiaries.factories import household
from tests.ops.workers import ROOT, database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the backup is pg_dump/pg_restore; the SQLite default is backed up by copying the file",
    ),
]

WRONG_KEY = "dGVzdC1rZXktZm9yLXRoZS1wcm9kdWN0aW9uLXRlc3Q="


def _books_with_personal_data(media):
    load_regions(Region)
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    for i in range(3):
        donor = Donor.objects.create(kind="individual", name=f"Donatur {i}", phone="081234567890")
        gift_record(
            donor=donor,
            fund=fund,
            location=bank,
            amount=Decimal("50000"),
            date=dt.date(2025, 5, 5),
            channel=Contribution.Channel.INSTITUTION,
            actor=None,
        )
    household(members=2)
    (media / "private" / "imports").mkdir(parents=True)
    (media / "private" / "imports" / "dtks.bin").write_bytes(b"NO_KK;NIK\n" + bytes(range(256)))


def _run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _env(*, database: str, media, key: str | None = None) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=database,
        KENANGA_ENV="development",
    )
    env["MEDIA_ROOT"] = str(media)
    env.pop("REDIS_URL", None)
    if key:
        env["KENANGA_DATA_KEY"] = key
    else:
        env.pop("KENANGA_DATA_KEY", None)
    return env


@pytest.fixture
def new_databases():
    """Empty databases on the same server, made on demand and dropped after the test."""
    admin = psycopg.connect(database_url("postgres"), autocommit=True)
    names = []

    def make() -> str:
        names.append(f"kn_restore_{uuid.uuid4().hex[:10]}")
        admin.execute(f'CREATE DATABASE "{names[-1]}"')
        return database_url(names[-1])

    yield make
    for name in names:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_a_backup_restores_where_the_books_verify_and_the_wrong_key_fails_loudly(
    tmp_path, new_databases
):
    media = tmp_path / "media"
    _books_with_personal_data(media)
    made = _run("backup", str(tmp_path / "backup"), env=_env(database=database_url(), media=media))
    assert made.returncode == 0, made.stderr
    prefix = made.stdout.strip().splitlines()[-1]

    # The drill: a new database and folder, the same key.
    restored, target = tmp_path / "restored-media", new_databases()
    result = _run("restore", prefix, env=_env(database=target, media=restored))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Kunci data benar" in result.stdout
    assert "Buku besar utuh: 3 transaksi diperiksa" in result.stdout
    copy = restored / "private" / "imports" / "dtks.bin"
    assert copy.read_bytes() == (media / "private" / "imports" / "dtks.bin").read_bytes()
    with psycopg.connect(target) as conn:
        assert conn.execute("select count(*) from donors_contribution").fetchone() == (3,)
        # Personal data stays encrypted in the restored copy, as in the original.
        phones = conn.execute("select phone from donors_donor").fetchall()
        assert all(p[0].startswith("gAAAA") for p in phones)

    # The same backup restored with another key: loud failure, no "complete".
    result = _run(
        "restore",
        prefix,
        env=_env(database=new_databases(), media=tmp_path / "r", key=WRONG_KEY),
    )
    assert result.returncode != 0
    assert "KENANGA_DATA_KEY SALAH" in result.stderr
    assert "Restore complete" not in result.stdout


def test_a_damaged_backup_file_is_refused_before_anything_is_restored(tmp_path, new_databases):
    new_database = new_databases()
    media = tmp_path / "media"
    _books_with_personal_data(media)
    made = _run("backup", str(tmp_path / "backup"), env=_env(database=database_url(), media=media))
    prefix = made.stdout.strip().splitlines()[-1]
    with open(prefix + ".dump", "r+b") as dump:
        # Flip the bytes rather than write fixed ones: the header has zeros here.
        dump.seek(200)
        damaged = bytes(b ^ 0xFF for b in dump.read(3))
        dump.seek(200)
        dump.write(damaged)

    result = _run("restore", prefix, env=_env(database=new_database, media=tmp_path / "r"))

    assert result.returncode != 0 and "FAILED" in result.stdout + result.stderr
    with psycopg.connect(new_database) as conn:
        assert conn.execute(
            "select count(*) from pg_tables where schemaname = 'public'"
        ).fetchone() == (0,)


def test_a_restore_into_a_database_that_is_not_empty_is_refused(tmp_path):
    media = tmp_path / "media"
    _books_with_personal_data(media)
    made = _run("backup", str(tmp_path / "backup"), env=_env(database=database_url(), media=media))
    prefix = made.stdout.strip().splitlines()[-1]

    result = _run("restore", prefix, env=_env(database=database_url(), media=tmp_path / "r"))

    assert result.returncode != 0 and "not empty" in result.stderr
