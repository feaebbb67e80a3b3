"""`manage.py bench` refuses what would measure nothing or harm the application's data."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.regency import MARK_END, MARK_START, Report, markdown


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_bench_refuses_sqlite_because_it_compares_against_postgresql_copy():
    with pytest.raises(CommandError, match="PostgreSQL COPY"):
        call_command("bench", "--quick")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db
def test_bench_never_uses_the_applications_own_database_as_its_scratch_database():
    with pytest.raises(CommandError, match="may not be the application's own"):
        call_command("bench", "--quick", "--database", connection.settings_dict["NAME"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_bench_refuses_a_scratch_database_name_that_is_not_a_plain_name():
    with pytest.raises(CommandError, match="letters, digits"):
        call_command("bench", "--quick", "--database", 'x"; DROP DATABASE test; --')


def test_the_generated_section_names_the_machine_and_every_measure(tmp_path):
    report = Report(sizes={"postings": 20_000})
    report.machine = "x86_64, 2 cores"
    report.add("page donor list: queries small/full, ms, KB", "8/8, 12, 43")
    text = markdown(report, quick=True)
    assert text.startswith(MARK_START) and text.endswith(MARK_END)
    assert "**Machine:** x86_64, 2 cores." in text
    assert "| page donor list: queries small/full, ms, KB | 8/8, 12, 43 |  |" in text
    assert "postings 20.000" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_bench_pages_refuses_to_measure_a_scratch_database_that_was_never_generated():
    with pytest.raises(CommandError, match="run manage.py bench first"):
        call_command("bench", "--pages", "--database", "kenanga_bench_never_made")


def test_a_pages_rerun_writes_its_own_section_and_leaves_the_full_run_alone(tmp_path, monkeypatch):
    import bench.regency as regency
    from bench.regency import PAGES_END, PAGES_START, write_docs

    docs = tmp_path / "docs"
    docs.mkdir()
    full = f"{MARK_START}\nfull run\n{MARK_END}"
    (docs / "benchmarks.md").write_text(f"# Benchmarks\n\n{full}\n\nwritten up\n")
    monkeypatch.setattr(regency, "ROOT", tmp_path)
    report = Report(sizes={"page_repeats": 5})
    report.machine = "x86_64, 2 cores"
    report.add("page Dana `/dana/` (auditor): queries, ms, SQL ms, KB", "8, 20, 5, 12")
    for _ in range(2):  # a second rerun replaces the first, it does not add a copy
        write_docs(markdown(report, quick=False, pages=True))

    text = (docs / "benchmarks.md").read_text()
    assert full in text and "written up" in text
    assert text.count(PAGES_START) == 1 and text.count(PAGES_END) == 1
    assert "`manage.py bench --pages`" in text and "| 8, 20, 5, 12 |" in text
