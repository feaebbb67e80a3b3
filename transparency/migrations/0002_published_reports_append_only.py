"""A published report is never changed or deleted, also not behind the application's back."""

from django.db import migrations

from core.db import append_only


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_published_reports")]
    operations = [append_only("transparency_publishedreport")]
