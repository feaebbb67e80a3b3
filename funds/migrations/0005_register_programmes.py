"""Data: the shipped programme codes (rtlh, kesehatan, pendidikan, lansia, darurat)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from funds.programmes import load_programmes

    load_programmes(apps.get_model("funds", "Programme"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("funds", "0004_programme_registry_and_partial_commitments")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
