"""Build the month snapshots of months closed before snapshots existed."""

import datetime as dt

from django.db import migrations
from django.db.models import Count, Sum


def backfill(apps, schema_editor):
    ClosedPeriod = apps.get_model("funds", "ClosedPeriod")
    LedgerMonth = apps.get_model("funds", "LedgerMonth")
    Posting = apps.get_model("funds", "Posting")
    fields = (
        "account_id",
        "transaction__kind",
        "transaction__programme",
        "transaction__area",
        "transaction__asnaf",
        "transaction__reference_type",
    )
    for period in ClosedPeriod.objects.all():
        if LedgerMonth.objects.filter(year=period.year, month=period.month).exists():
            continue
        first = dt.date(period.year, period.month, 1)
        nxt = dt.date(period.year + period.month // 12, period.month % 12 + 1, 1)
        rows = (
            Posting.objects.filter(transaction__date__gte=first, transaction__date__lt=nxt)
            .values(*fields)
            .annotate(total=Sum("amount"), n=Count("pk"))
            .values_list(*fields, "total", "n")
        )
        LedgerMonth.objects.bulk_create(
            LedgerMonth(
                year=period.year,
                month=period.month,
                account_id=acc,
                kind=kind,
                programme=prog,
                area=area,
                asnaf=asnaf,
                reference_type=ref,
                amount=total,
                posting_count=n,
            )
            for acc, kind, prog, area, asnaf, ref, total, n in rows
        )


class Migration(migrations.Migration):
    dependencies = [("funds", "0010_ledger_month_snapshots")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
