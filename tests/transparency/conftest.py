import datetime as dt
from decimal import Decimal

import pytest

from funds.services import contribution_record, payment_record, period_close
from tests.factories import demo_shaped_ledger

LATER = dt.date(2100, 1, 1)


@pytest.fixture
def ledger(db, org, personas):
    """Return the funds and money locations of a small fund, empty."""
    return demo_shaped_ledger(personas, csr_area="33.14.05")


@pytest.fixture
def give(ledger):
    def _give(fund, amount, *, date, location=None, kind="contribution", reference=None):
        return contribution_record(
            fund=fund,
            location=location or ledger.bank,
            amount=Decimal(amount),
            date=date,
            description="Sumbangan",
            reference=reference,
            actor=ledger.manager,
            kind=kind,
        )

    return _give


@pytest.fixture
def pay(ledger):
    def _pay(fund, amount, *, date, programme="kesehatan", area="", location=None):
        return payment_record(
            fund=fund,
            location=location or ledger.bank,
            amount=Decimal(amount),
            date=date,
            description="Bantuan",
            reference=None,
            actor=ledger.treasurer,
            programme=programme,
            area=area,
        )

    return _pay


@pytest.fixture
def close(ledger):
    def _close(year, month):
        return period_close(year=year, month=month, actor=ledger.head, today=LATER)

    return _close


@pytest.fixture
def payakumbuh(ledger, give, pay, close):
    """LKS Mitra Kenanga, May-October 2015: Rp202.615.628 in, Rp107.350.124 out."""
    give(ledger.infak, "150000000", date=dt.date(2015, 5, 20))
    give(ledger.infak, "52615628", date=dt.date(2015, 8, 14))
    pay(ledger.infak, "60000000", date=dt.date(2015, 7, 1), programme="kesehatan")
    pay(ledger.infak, "47350124", date=dt.date(2015, 9, 1), programme="pendidikan")
    for month in range(5, 11):
        close(2015, month)
    return ledger
