"""Absolute addresses for what leaves the screen: QR codes, printed links, mail.

Every one is built on the one configured SITE_URL, never on the address a
request happened to arrive at (a clerk on 127.0.0.1 would otherwise print
that into a citizen's receipt).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def site_url(path: str) -> str:
    """Return SITE_URL joined with an absolute path (`/rumah-tangga/cek/...`)."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def public_url(*names: str, args=(), query: str = "") -> str:
    """Return the site address of the first of `names` that exists (for pages other apps add)."""
    for name in names:
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            continue
        return site_url(path) + (f"?{query}" if query else "")
    return site_url("/")
