"""Move existing sign-offs to the language-free fingerprint and store their figures.

A sign-off whose old fingerprint (which included Indonesian labels and fund
names) still matches today's figures gets the new fingerprint, its figures and
the current chain position; one that does not match keeps its old fingerprint
and shows as unsigned, as it did before. Then sign-offs become append-only.
"""

import hashlib
import json

from django.db import migrations
from django.utils import translation

from core.db import append_only


def refingerprint(apps, schema_editor):
    from funds.statements import statements_for_period

    Signoff = apps.get_model("funds", "StatementSignoff")
    LedgerHead = apps.get_model("funds", "LedgerHead")
    head = LedgerHead.objects.filter(pk=1).first()
    with translation.override("id"):
        for signoff in Signoff.objects.all():
            figures = statements_for_period(date_from=signoff.date_from, date_to=signoff.date_to)
            _header, rows = figures.export_rows()
            payload = [signoff.date_from.isoformat(), signoff.date_to.isoformat(), rows]
            old = hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()
            if old != signoff.figures_hash:
                continue
            Signoff.objects.filter(pk=signoff.pk).update(
                figures_hash=figures.figures_hash,
                figures=figures.snapshot(),
                last_sequence=head.last_sequence if head else 0,
                last_hash=head.last_hash if head else "",
            )


class Migration(migrations.Migration):
    dependencies = [("funds", "0006_signoff_figures")]
    operations = [
        migrations.RunPython(refingerprint, migrations.RunPython.noop),
        append_only("funds_statementsignoff"),
    ]
