"""Keyed hashes for the append-only records (ledger transactions, audit log).

Each record's hash is an HMAC-SHA256 of its content and of the previous
record's hash, keyed with KENANGA_CHAIN_KEY. The key lives in the environment,
never in the database, so someone who can rewrite rows (the table owner, a
restored dump) cannot produce hashes that verify. Each record stores the id of
the key that sealed it, so after a rotation (new KENANGA_CHAIN_KEY, the old one
moved to KENANGA_CHAIN_OLD_KEYS) the old records still verify.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings


class ChainKeyError(Exception):
    """A record names a chain key that is not configured."""


@functools.cache
def key_id_of(key: str) -> str:
    """Return the short public id of a chain key (reveals nothing about the key)."""
    return hmac.new(key.encode(), b"kenanga-chain-key-id", hashlib.sha256).hexdigest()[:12]


def current_key_id() -> str:
    return key_id_of(settings.KENANGA_CHAIN_KEY)


def known_keys() -> dict[str, str]:
    """Return {key id: key} of the current and every retired chain key."""
    keys = [settings.KENANGA_CHAIN_KEY, *getattr(settings, "KENANGA_CHAIN_OLD_KEYS", [])]
    return {key_id_of(k): k for k in keys}


def canonical(content: Any) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal(content: Any, *, key_id: str | None = None) -> str:
    """Return the hex HMAC-SHA256 of `content` under the key `key_id` (default: current)."""
    keys = known_keys()
    key_id = key_id or current_key_id()
    if key_id not in keys:
        raise ChainKeyError(key_id)
    return hmac.new(keys[key_id].encode(), canonical(content), hashlib.sha256).hexdigest()
