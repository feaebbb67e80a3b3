from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    # Lines handed on before hand-ons were counted went out whole.
    GoodsItem = apps.get_model("donors", "GoodsItem")
    GoodsItem.objects.filter(status="handed_on").update(handed_on_quantity=F("quantity"))


class Migration(migrations.Migration):
    dependencies = [("donors", "0006_goods_handovers")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
