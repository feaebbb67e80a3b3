"""Seal the audit entries written before the chain existed, and guard against TRUNCATE.

Existing entries are chained in id order with the current chain key (a one-off
rewrite by the tables' owner, the only one who can lift the append-only guard);
from then on `core.audit.audit_log` chains every entry as it is written.
"""

from django.db import migrations

from core.db import append_only, guards_lifted


def seal_existing(apps, schema_editor):
    from core.audit import audit_entry_hash
    from core.chain import current_key_id

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    key_id = current_key_id()
    sequence, prev = 0, ""
    with guards_lifted(schema_editor, "core_auditentry"):
        for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
            sequence += 1
            entry.sequence, entry.prev_hash, entry.key_id = sequence, prev, key_id
            entry.hash = audit_entry_hash(entry)
            AuditEntry.objects.filter(pk=entry.pk).update(
                sequence=sequence, prev_hash=prev, key_id=key_id, hash=entry.hash
            )
            prev = entry.hash
    AuditHead.objects.update_or_create(pk=1, defaults={"last_sequence": sequence, "last_hash": prev})


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chain")]
    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        # Installs the BEFORE TRUNCATE guard next to the row guards (idempotent).
        append_only("core_auditentry"),
    ]
