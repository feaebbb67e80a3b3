"""Read-only public pages from a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

A regency's public pages (card and receipt checks, complaint tracking, the
published reports) are read by many and write nothing. With a replica
configured they read from it, so citizens' traffic never competes with the
treasurer's bookings on the primary. Every write, every staff page, and all
reads of logins and sessions stay on the primary: a replica lags a little,
and someone who just logged in must not look logged out.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.urls import Resolver404, resolve

from core.permissions import access_of

REPLICA = "replica"
_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)
# Who is logged in, and with what rights, is always read where it was written.
_PRIMARY_ONLY_APPS = {"sessions", "auth", "account", "mfa", "contenttypes", "admin"}
_PRIMARY_ONLY_MODELS = {"core.user", "core.userrole"}


class ReplicaRouter:
    """Send reads to the replica while a public page is being served; everything else to default."""

    def db_for_read(self, model, **hints):
        if not _use_replica.get():
            return None
        meta = model._meta
        if meta.app_label in _PRIMARY_ONLY_APPS or meta.label_lower in _PRIMARY_ONLY_MODELS:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the same database: objects from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadMiddleware:
    """Mark GET/HEAD requests of pages declared public (core.permissions.public_view)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = REPLICA in settings.DATABASES

    def __call__(self, request):
        if not self.enabled or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        access = access_of(match.func)
        if access is None or not access.public or match.url_name == "health":
            return self.get_response(request)
        token = _use_replica.set(True)
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
