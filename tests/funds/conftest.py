import datetime as dt
from decimal import Decimal

import pytest

from funds.models import Fund, MoneyLocation
from funds.services import contribution_record


@pytest.fixture
def ledger(db, org, personas):
    """Return the demo-shaped funds and money locations, empty."""
    from types import SimpleNamespace

    matra = Fund.objects.create(code="matra", name="MATRA")
    infak = Fund.objects.create(code="infak-mitra-kenanga", name="Infak Mitra Kenanga")
    csr = Fund.objects.create(
        code="csr-rtlh-sambirejo",
        name="CSR RTLH Kecamatan Sambirejo",
        restriction=Fund.Restriction.RESTRICTED,
        purpose="RTLH Sambirejo",
        allowed_programmes=["rtlh"],
        allowed_areas=["33.14.09"],
    )
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    kas = MoneyLocation.objects.create(code="kas", name="Kas", kind=MoneyLocation.Kind.CASH)
    return SimpleNamespace(
        matra=matra,
        infak=infak,
        csr=csr,
        bank=bank,
        kas=kas,
        manager=personas["fund_manager"],
        treasurer=personas["treasurer"],
        head=personas["head"],
    )


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
