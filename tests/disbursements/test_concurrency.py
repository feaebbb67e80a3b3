"""Approvals, payments and requests racing each other (PostgreSQL: real row locks)."""

from decimal import Decimal

import pytest
from django.db import connection

from disbursements.errors import DisbursementError
from disbursements.models import DisbursementRequest, Payment, Policy
from disbursements.services import disbursement_approve
from funds.models import Account, Commitment, Transaction
from funds.verify import ledger_verify
from tests.concurrency import run_at_once
from tests.disbursements.conftest import family

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks (select_for_update); SQLite serialises whole-database writes",
    ),
]
D = Decimal
S = DisbursementRequest.Status


def test_many_approvals_against_one_fund_never_overdraw_it(aid, ask):
    Policy.objects.create(second_approval_above=D("100000000"))
    requests = [ask(family(), "rtlh", fund=aid.csr) for _ in range(6)]  # 6 x 5 juta, fund 10 juta

    results, errors = run_at_once(
        6, lambda i: disbursement_approve(request=requests[i], actor=aid.treasurer)
    )
    assert len(results) == 2
    assert len(errors) == 4 and all(isinstance(e, DisbursementError) for e in errors)
    assert all("tidak cukup" in e.message for e in errors)
    account = Account.objects.get(fund=aid.csr)
    assert account.committed == D("10000000") and account.available == 0
    assert ledger_verify() == []


def test_a_double_click_on_approve_reserves_once(aid, ask):
    req = ask(family(), "darurat")
    results, errors = run_at_once(
        2, lambda i: disbursement_approve(request=req, actor=aid.treasurer)
    )
    assert len(results) == 1 and len(errors) == 1
    assert "berstatus Disetujui" in errors[0].message
    assert Commitment.objects.filter(reference_id=str(req.pk)).count() == 1
    assert Account.objects.get(fund=aid.matra).committed == D("1000000")


def test_a_double_click_on_pay_posts_once(aid, ask, pay):
    req = disbursement_approve(request=ask(family(), "darurat"), actor=aid.treasurer)
    results, errors = run_at_once(3, lambda i: pay(req, "1000000", key="satu-formulir"))
    assert not errors and len({p.pk for p in results}) == 1
    assert Payment.objects.count() == 1
    assert Transaction.objects.filter(kind="disbursement").count() == 1
    assert DisbursementRequest.objects.get(pk=req.pk).status == S.PAID
    assert ledger_verify() == []


def test_two_requests_for_one_family_through_two_funds_at_once_one_wins(aid, ask):
    home = family()
    funds = [aid.csr, aid.matra, aid.infak]
    results, errors = run_at_once(3, lambda i: ask(home, "rtlh", fund=funds[i]))
    assert len(results) == 1 and len(errors) == 2
    assert all(isinstance(e, DisbursementError) for e in errors)
    assert DisbursementRequest.objects.filter(household=home).count() == 1
