"""Whatever the order of approvals and payments, no request is paid above its approval and no fund goes below zero."""

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disbursements.errors import DisbursementError
from disbursements.models import DisbursementRequest
from disbursements.services import disbursement_approve, disbursement_pay
from funds.models import Account, Commitment, Fund
from funds.services import contribution_record
from funds.verify import ledger_verify
from tests.disbursements.conftest import family

rupiah = st.integers(min_value=1, max_value=30).map(lambda n: Decimal(n * 100_000))
steps = st.lists(
    st.tuples(st.sampled_from(["approve", "pay"]), st.integers(0, 3), rupiah),
    min_size=1,
    max_size=12,
)


class Rollback(Exception):
    pass


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(balance=rupiah, amounts=st.lists(st.integers(3, 25), min_size=1, max_size=4), ops=steps)
def test_payments_never_exceed_the_commitment_and_the_fund_never_goes_negative(
    aid, ask, balance, amounts, ops
):
    try:
        with transaction.atomic():
            fund = Fund.objects.create(code=f"uji-{uuid.uuid4().hex[:8]}", name="Dana uji")
            contribution_record(
                fund=fund,
                location=aid.bank,
                amount=balance,
                date=aid.today,
                description="Saldo",
                reference=None,
                actor=aid.manager,
            )
            requests = [
                ask(family(), "darurat", fund=fund, amount=Decimal(n * 100_000))
                if n * 100_000 <= balance
                else None
                for n in amounts
            ]
            requests = [r for r in requests if r is not None]
            for op, index, amount in ops:
                if not requests:
                    break
                req = requests[index % len(requests)]
                try:
                    if op == "approve":
                        disbursement_approve(request=req, actor=aid.treasurer)
                    else:
                        disbursement_pay(
                            request=req,
                            actor=aid.treasurer,
                            amount=amount,
                            location=aid.bank,
                            method="cash",
                            date=aid.today,
                            idempotency_key=uuid.uuid4().hex,
                        )
                except DisbursementError:
                    pass
                account = Account.objects.get(fund=fund)
                assert account.balance >= 0 and account.available >= 0
                for row in DisbursementRequest.objects.filter(fund=fund):
                    paid = row.payments.aggregate(s=Sum("amount"))["s"] or 0
                    assert paid == row.paid_amount <= row.amount
                    for c in Commitment.objects.filter(reference_id=str(row.pk)):
                        assert c.paid_amount == paid <= c.amount
            assert ledger_verify() == []
            raise Rollback
    except Rollback:
        pass
