"""Write, read and verify the append-only audit trail.

Every service that changes state calls `audit_log` inside its own database
transaction, so an audit entry exists if and only if the change happened.
Entries form a keyed hash chain (core.chain) ordered by the single
`AuditHead` row: an entry edited, removed or inserted later, even by the
owner of the table, breaks the chain unless the forger holds the chain key.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from core.chain import current_key_id, known_keys, seal
from core.db import insert_row, insert_statement
from core.models import AuditEntry, AuditHead

# Filled by core.middleware.AuditContextMiddleware for web requests.
_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("kenanga_ip", default=None)


def set_request_ip(ip: str | None) -> contextvars.Token:
    return _request_ip.set(ip)


def reset_request_ip(token: contextvars.Token) -> None:
    _request_ip.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    from django.db.models.fields.files import FieldFile

    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the current values of `fields`, ready to be stored as JSON."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [before, after]} for the fields whose value changed."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def audit_entry_new(
    obj: models.Model | None,
    action: str,
    *,
    actor=None,
    changes: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Return the unsaved entry of `actor` doing `action` to `obj` (no lock, no query)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr if object_repr is not None else str(obj)[:255]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry(
        at=timezone.now(),
        actor=actor_obj,
        actor_label=(actor_obj.email if actor_obj else (str(actor) if actor else "system"))[:254],
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:255],
        # Round-tripped through JSON so that the sealed value is the stored one.
        changes=json.loads(json.dumps(_jsonable(changes or {}))),
        ip_address=AuditEntry._meta.get_field("ip_address").get_prep_value(_request_ip.get()),
    )


def audit_entry_seal(entry: AuditEntry, *, last_sequence: int, last_hash: str) -> list:
    """Chain `entry` after the head (locked by the caller); return the statements writing both.

    For `core.db.run_together`, so that a caller holding other locks writes its
    rows and the entry in one round trip.
    """
    entry.sequence, entry.prev_hash, entry.key_id = last_sequence + 1, last_hash, current_key_id()
    entry.hash = audit_entry_hash(entry)
    return [insert_statement([entry]), (_HEAD_UPDATE, [entry.sequence, entry.hash])]


def audit_log(
    obj: models.Model | None,
    action: str,
    *,
    actor=None,
    changes: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` (e.g. ``funds.transaction.posted``) to `obj`."""
    entry = audit_entry_new(
        obj,
        action,
        actor=actor,
        changes=changes,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    head = _lock_head()
    entry.sequence, entry.prev_hash, entry.key_id = (
        head.last_sequence + 1,
        head.last_hash,
        current_key_id(),
    )
    entry.hash = audit_entry_hash(entry)
    insert_row(entry)  # the caller may need its key
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_UPDATE, [entry.sequence, entry.hash])
    return entry


_HEAD_UPDATE = "UPDATE core_audithead SET last_sequence = %s, last_hash = %s WHERE id = 1"


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # First entry ever; get_or_create survives a concurrent first entry.
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_entry_hash(entry: AuditEntry, key_id: str | None = None) -> str:
    """Return the keyed hash of an entry's content chained to its predecessor."""
    at = entry.at.astimezone(dt.UTC).isoformat() if entry.at else ""
    content = {
        "seq": entry.sequence,
        "at": at,
        "actor": entry.actor_id,
        "label": entry.actor_label,
        "action": entry.action,
        "type": entry.object_type,
        "id": entry.object_id,
        "repr": entry.object_repr,
        "changes": entry.changes,
        "ip": entry.ip_address or "",
        "key": key_id or entry.key_id,
        "prev": entry.prev_hash,
    }
    return seal(content, key_id=key_id or entry.key_id)


def audit_verify(chunk: int = 5000) -> list[str]:
    """Return a readable line for every break in the audit chain (empty when intact)."""
    problems: list[str] = []
    keys = known_keys()
    prev_hash, expected = "", 1
    last_pk = 0
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not batch:
            break
        for entry in sorted(batch, key=lambda e: e.sequence):
            label = f"Catatan audit #{entry.sequence}"
            if entry.sequence != expected:
                problems.append(f"{label}: nomor urut diharapkan {expected} (ada yang hilang).")
            expected = entry.sequence + 1
            if entry.prev_hash != prev_hash:
                problems.append(f"{label}: prev_hash tidak sama dengan hash catatan sebelumnya.")
            if entry.key_id not in keys:
                problems.append(f"{label}: disegel dengan kunci rantai yang tidak dikenal.")
            elif audit_entry_hash(entry) != entry.hash:
                problems.append(f"{label}: hash tidak cocok dengan isinya (catatan diubah).")
            prev_hash = entry.hash
        last_pk = batch[-1].pk
    head = AuditHead.objects.filter(pk=1).first()
    last = expected - 1
    if (head.last_sequence if head else 0) != last or (head.last_hash if head else "") != prev_hash:
        problems.append("Kepala rantai audit tidak menunjuk catatan terakhir (ada yang dihapus?).")
    return problems


def audit_trail_for(obj: models.Model):
    """Return the audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
