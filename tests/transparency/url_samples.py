"""Arguments for the transparency URLs that take some (see tests/core/test_url_access.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def published_report(personas):
    """Return a published report of May 2015 (made once per database)."""
    from funds.models import Fund, MoneyLocation
    from funds.services import contribution_record, period_close
    from transparency.models import PublishedReport
    from transparency.periods import Period
    from transparency.services import report_publish

    report = PublishedReport.objects.filter(period_code="2015-05").first()
    if report:
        return report
    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    bank, _ = MoneyLocation.objects.get_or_create(
        code="bank-jateng", defaults={"name": "Bank Jateng", "kind": MoneyLocation.Kind.BANK}
    )
    contribution_record(
        fund=fund,
        location=bank,
        amount=Decimal("100000"),
        date=dt.date(2015, 5, 2),
        description="Sumbangan",
        reference=None,
        actor=personas["fund_manager"],
    )
    period_close(year=2015, month=5, actor=personas["head"], today=dt.date(2100, 1, 1))
    return report_publish(period=Period("month", 2015, 5), actor=personas["head"])


SAMPLES = {
    "transparency:report_download": lambda personas: {
        "digest": published_report(personas).hash,
        "fmt": "pdf",
    },
}
