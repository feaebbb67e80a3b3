"""What the ledger puts on the treasurer's, head's and fund manager's dashboards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_rupiah
from core.registry import Figure, QueueRow
from core.roles import Role


def _months_to_close(today: dt.date) -> int:
    """Count the finished months since the last closed one (at most the last twelve)."""
    from funds.models import ClosedPeriod, Transaction

    last = ClosedPeriod.objects.order_by("-year", "-month").first()
    first_tx = Transaction.objects.order_by("date").values_list("date", flat=True).first()
    if first_tx is None:
        return 0
    start = dt.date(last.year, last.month, 1) if last else first_tx.replace(day=1)
    if last:
        start = (start + dt.timedelta(days=32)).replace(day=1)
    this_month = today.replace(day=1)
    count, month = 0, start
    while month < this_month and count < 12:
        count += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return count


def queue(user) -> list[QueueRow]:
    from funds.models import StatementLine

    rows = []
    if user.has_role(Role.TREASURER):
        rows.append(
            QueueRow(
                _("Baris rekening koran belum dicocokkan"),
                StatementLine.objects.filter(match__isnull=True).count(),
                reverse("funds:reconciliation"),
                order=20,
            )
        )
    if user.has_role(Role.HEAD, Role.TREASURER):
        rows.append(
            QueueRow(
                _("Bulan selesai yang belum ditutup"),
                _months_to_close(timezone.localdate()),
                reverse("funds:periods"),
                order=40,
            )
        )
    return rows


def figures(user) -> list[Figure]:
    from funds.selectors import fund_balances, location_balances

    funds = fund_balances(active_only=True)
    available = sum((f.available for f in funds), Decimal("0"))
    cash = sum((b for loc, b in location_balances() if loc.kind == "cash"), Decimal("0"))
    bank = sum((b for loc, b in location_balances() if loc.kind == "bank"), Decimal("0"))
    return [
        Figure(
            _("Dana tersedia (setelah komitmen)"),
            format_rupiah(available),
            icon="wallet2",
            href=reverse("funds:list"),
            order=1,
        ),
        Figure(_("Di rekening bank"), format_rupiah(bank), icon="bank", order=2),
        Figure(_("Di kas tunai"), format_rupiah(cash), icon="cash-stack", order=3),
    ]
