"""The one door from donors into the ledger (funds).

Everything donors needs from funds is imported here, so that the contract
between the two apps is written down in one place. funds never imports donors:
we hand it our own record as `reference`.
"""

from __future__ import annotations

from decimal import Decimal

from funds.errors import LedgerError
from funds.models import Account, Fund, MoneyLocation, Transaction
from funds.references import register_reference
from funds.selectors import (
    fund_available,
    fund_get,
    money_location_get,
    transactions_for_reference,
)
from funds.services import (
    contribution_record,
    fund_create,
    gateway_charge_record,
    money_move,
    programme_check,
    transaction_key_reserve,
    transaction_reverse,
    transfer_record,
)

__all__ = [
    "Fund",
    "LedgerError",
    "MoneyLocation",
    "Transaction",
    "contribution_record",
    "fund_create",
    "gateway_charge_record",
    "money_move",
    "programme_check",
    "transaction_key_reserve",
    "fund_available",
    "fund_get",
    "location_available",
    "fund_is_zakat",
    "money_location_get",
    "register_reference",
    "transaction_reverse",
    "transactions_for_reference",
    "transfer_record",
]


def location_available(location) -> Decimal:
    """Return what a money location holds now (its running balance)."""
    return Account.objects.get(location=location).balance


def fund_is_zakat(fund) -> bool:
    """Return whether the ledger marks `fund` as zakat money (PSAK 109)."""
    for attr in ("is_zakat",):
        value = getattr(fund, attr, None)
        if isinstance(value, bool):
            return value
    for attr in ("kind", "fund_type", "type", "category"):
        value = getattr(fund, attr, None)
        if isinstance(value, str) and value:
            return value.lower() == "zakat"
    return False
