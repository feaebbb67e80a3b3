"""Small helpers about the HTTP client: who is asking, and how often."""

from __future__ import annotations

from django.core.cache import cache


def client_ip(request) -> str:
    """Return the address of the client that sent `request`.

    The one place that decides it: behind a trusted reverse proxy this is
    where the forwarded address is taken instead (see docs/operations.md).
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limit_exceeded(key: str, *, limit: int, window: int) -> bool:
    """Count one more event under `key`; return True once more than `limit` fell in `window` s.

    The counter lives in the cache (Redis in production, shared by every
    worker); it starts at the first event and expires `window` seconds later.
    """
    cache_key = f"kenanga:rate:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count > limit
