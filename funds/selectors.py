"""Reads of the ledger used by views, reports and other apps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet

from funds.models import ZERO, Account, Commitment, Fund, MoneyLocation, Posting, Transaction


@dataclass(frozen=True)
class FundBalance:
    fund: Fund
    balance: Decimal
    committed: Decimal

    @property
    def available(self) -> Decimal:
        return self.balance - self.committed


def fund_get(*, code: str) -> Fund:
    """Return the fund with `code` (Fund.DoesNotExist when there is none)."""
    return Fund.objects.get(code=code)


def money_location_get(*, code: str) -> MoneyLocation:
    """Return the money location with `code` (MoneyLocation.DoesNotExist when none)."""
    return MoneyLocation.objects.get(code=code)


def _fund_account_values(fund: Fund) -> tuple[Decimal, Decimal]:
    row = Account.objects.filter(fund=fund).values_list("balance", "committed").first()
    return row or (ZERO, ZERO)


def fund_balance(*, fund: Fund) -> Decimal:
    """Return the fund's balance from its running total: one indexed row read."""
    return _fund_account_values(fund)[0]


def fund_available(*, fund: Fund) -> Decimal:
    """Return balance minus open commitments, from the same row."""
    balance, committed = _fund_account_values(fund)
    return balance - committed


def fund_balances(*, active_only: bool = False) -> list[FundBalance]:
    """Return every fund with balance and available amount in one query."""
    funds = Fund.objects.select_related("account").order_by("name")
    if active_only:
        funds = funds.filter(is_active=True)
    result = []
    for fund in funds:
        account = getattr(fund, "account", None)
        result.append(
            FundBalance(
                fund=fund,
                balance=account.balance if account else ZERO,
                committed=account.committed if account else ZERO,
            )
        )
    return result


def location_balances() -> list[tuple[MoneyLocation, Decimal]]:
    """Return every money location with its balance in one query."""
    return [
        (loc, loc.account.balance if hasattr(loc, "account") else ZERO)
        for loc in MoneyLocation.objects.select_related("account").order_by("name")
    ]


def transactions_for_reference(*, reference: models.Model) -> QuerySet[Transaction]:
    """Return the transactions caused by `reference`, oldest first."""
    return Transaction.objects.filter(
        reference_type=reference._meta.label_lower, reference_id=str(reference.pk)
    ).order_by("sequence")


def commitments_for_reference(*, reference: models.Model) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        reference_type=reference._meta.label_lower, reference_id=str(reference.pk)
    )


def fund_postings(*, fund: Fund) -> QuerySet[Posting]:
    """Return the postings of the fund's account with their transaction, newest first."""
    return (
        Posting.objects.filter(account__fund=fund)
        .select_related("transaction", "account")
        # Newest first by the transaction's id, which follows the chain order today
        # (both are taken under the chain-head lock): the (account, transaction) index
        # then serves the page without joining and sorting two million rows.
        .order_by("-transaction_id", "-pk")
    )


def location_postings(*, location: MoneyLocation) -> QuerySet[Posting]:
    return (
        Posting.objects.filter(account__location=location)
        .select_related("transaction", "account")
        .order_by("-transaction_id", "-pk")
    )


def transaction_detail(*, pk: int) -> Transaction:
    return Transaction.objects.select_related("reverses", "created_by").get(pk=pk)


def open_commitments(*, fund: Fund | None = None) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(status=Commitment.Status.OPEN).select_related("fund")
    return qs.filter(fund=fund) if fund else qs
