"""Run the same work in several threads released at the same instant (PostgreSQL tests)."""

from __future__ import annotations

import threading

from django.db import connections


def run_at_once(count, work):
    """Run work(i) in `count` threads released together; return (results, errors).

    Every exception is collected, a domain refusal as well as a database error
    (a deadlock), so the test decides which ones are expected.
    """
    barrier = threading.Barrier(count)
    results, errors = [], []

    def target(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results, errors
