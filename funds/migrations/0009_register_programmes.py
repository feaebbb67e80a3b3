"""Data: the shipped programme codes (rtlh, kesehatan, pendidikan, lansia, darurat).

Codes already written as free text before the registry existed (on a fund's
allowed programmes or a transaction) are registered too, under their own code
as name, so that existing funds keep paying and old payments can be reversed.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from funds.programmes import load_programmes

    alias = schema_editor.connection.alias
    Programme = apps.get_model("funds", "Programme")
    load_programmes(Programme, using=alias)
    used = set(
        apps.get_model("funds", "Transaction")
        .objects.using(alias)
        .exclude(programme="")
        .values_list("programme", flat=True)
        .distinct()
    )
    for codes in apps.get_model("funds", "Fund").objects.using(alias).values_list(
        "allowed_programmes", flat=True
    ):
        used.update(c for c in codes or [] if c)
    for code in sorted(used):
        Programme.objects.using(alias).get_or_create(code=code[:60], defaults={"name": code})


class Migration(migrations.Migration):
    dependencies = [("funds", "0008_programme_registry_and_partial_commitments")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
