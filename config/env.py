"""Read Kenanga's configuration from the environment, strictly.

Every value is validated when settings load; a malformed value stops start-up
with a message that names the variable, so an IT officer never has to guess
which line of the service file is wrong.
"""

from __future__ import annotations

import base64
import binascii
import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


class EnvError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""


def _fail(name: str, reason: str) -> EnvError:
    return EnvError(f"Environment variable {name}: {reason}")


def get_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise _fail(name, "is required but not set.")
        return default
    return value


def get_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _fail(name, f"expected true/false (1/0, yes/no), got {value!r}.")


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise _fail(name, f"expected a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise _fail(name, f"must be at least {minimum}, got {number}.")
    return number


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise _fail(name, f"expected a comma-separated list without empty items, got {value!r}.")
    return items


def get_networks(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list of IP addresses or networks (CIDR); empty means none."""
    import ipaddress

    value = os.environ.get(name)
    if value is None:
        return list(default)
    if not value.strip():
        return []
    items = get_list(name)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise _fail(
                name, f"expected IP addresses or networks like 10.0.0.0/8, got {item!r}."
            ) from None
    return items


def get_url(name: str, default: str | None = None, *, schemes: tuple[str, ...]) -> str | None:
    value = get_str(name, default)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        raise _fail(
            name, f"expected a URL starting with one of {', '.join(schemes)}, got {value!r}."
        )
    if parsed.scheme not in ("sqlite",) and not parsed.hostname and not parsed.path:
        raise _fail(name, f"the URL {value!r} has no host.")
    return value


def get_database(name: str, default: str) -> dict:
    import dj_database_url

    value = get_url(name, default, schemes=("sqlite", "postgres", "postgresql", "pgsql", "postgis"))
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises bare ValueErrors
        raise _fail(name, f"cannot be parsed ({exc}).") from None
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise _fail(name, "the PostgreSQL URL names no database (…/DBNAME).")
    return config


def get_fernet_key(name: str, default: str | None, *, required: bool) -> str:
    value = get_str(name, default, required=required)
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError, AttributeError):
        raise _fail(
            name,
            "must be 32 random bytes in url-safe base64 "
            "(make one with: python manage.py generate_data_key).",
        ) from None
    if len(raw) != 32:
        raise _fail(
            name,
            f"must decode to 32 bytes, got {len(raw)} "
            "(make one with: python manage.py generate_data_key).",
        )
    return value


def get_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = get_str(name, default)
    if value not in choices:
        raise _fail(name, f"expected one of {', '.join(choices)}, got {value!r}.")
    return value
