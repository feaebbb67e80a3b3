"""Progress of background jobs, written so that other connections see it at once."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections

from core.models import Job


def job_update(job_id: int, **fields) -> None:
    Job.objects.filter(pk=job_id).update(**fields)


def job_progress(job_id: int, done: int, total: int) -> None:
    """Report progress so that a polling page (on any server) sees it while the work runs.

    Long imports write in one database transaction; an update made inside it
    would show only at the end. On PostgreSQL a second, autocommitting
    connection writes the progress (SQLite has one writer at a time, so there
    it shows at the end).
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        job_update(job_id, done=done, total=total)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE core_job SET done = %s, total = %s WHERE id = %s", [done, total, job_id]
            )
    finally:
        side.close()
