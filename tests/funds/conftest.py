import datetime as dt
from decimal import Decimal

import pytest

from funds.services import contribution_record
from tests.factories import demo_shaped_ledger


@pytest.fixture
def ledger(db, org, personas):
    """Return the demo-shaped funds and money locations, empty."""
    return demo_shaped_ledger(personas, csr_area="33.14.09")


@pytest.fixture
def give(ledger):
    """Record a contribution quickly: give(fund, "100000", date=...)."""

    def _give(fund, amount, *, location=None, date=dt.date(2025, 5, 5), reference=None):
        return contribution_record(
            fund=fund,
            location=location or ledger.bank,
            amount=Decimal(amount),
            date=date,
            description="Sumbangan",
            reference=reference,
            actor=ledger.manager,
        )

    return _give
