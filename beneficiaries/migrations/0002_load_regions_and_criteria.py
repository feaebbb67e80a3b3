"""Data: the shipped Kemendagri regions (Jawa Tengah, Sumatera Barat) and criteria sets."""

from django.db import migrations


def forwards(apps, schema_editor):
    from beneficiaries.criteria import load_criteria
    from beneficiaries.regions import load_regions

    load_regions(apps.get_model("beneficiaries", "Region"))
    load_criteria(
        apps.get_model("beneficiaries", "CriteriaSet"), apps.get_model("beneficiaries", "Criterion")
    )


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
