"""Data: the shipped programme rules (amounts, eligibility, frequency, evidence)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from disbursements.rules import load_rules

    load_rules(
        apps.get_model("funds", "Programme"),
        apps.get_model("disbursements", "ProgrammeRule"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disbursements", "0001_requests_payments_evidence"),
        ("funds", "0005_register_programmes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
