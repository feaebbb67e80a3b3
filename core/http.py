"""Facts about the HTTP request that more than one part of Kenanga needs."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """Return the networks of the reverse proxies whose X-Forwarded-For is believed."""
    return _networks(tuple(getattr(settings, "KENANGA_TRUSTED_PROXIES", ())))


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows up as ::ffff:a.b.c.d.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """Return the address of the client that sent `request`.

    X-Forwarded-For is written by whoever sends the request, so it is believed
    only when the direct peer (REMOTE_ADDR) is one of the trusted proxies
    (setting KENANGA_TRUSTED_PROXIES). Then the header is read from the right,
    skipping the trusted proxies, and the first address that is not one of
    them is the client: anything left of it may have been made up by the
    client itself. A malformed entry stops the walk, and the last address
    vouched for is used.
    """
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    networks = trusted_proxies()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


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
