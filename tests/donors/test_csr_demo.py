"""The CSR demo: three companies and the three pledges the issue asks for, ledger verified."""

from __future__ import annotations

import io

from donors.models import GoodsItem, Partner, Pledge
from funds.verify import ledger_verify


def test_the_demo_has_three_companies_and_the_three_kinds_of_pledge(db):
    from core import demo
    from donors import csr_demo
    from funds import demo as funds_demo

    org, users, out = demo.seed_organisation(), demo.seed_users(), io.StringIO()
    funds_demo.seed(org=org, users=users, out=out)
    csr_demo.seed(org=org, users=users, out=out)
    csr_demo.seed(org=org, users=users, out=out)  # a second run changes nothing

    assert Partner.objects.filter(status="verified").count() == 3
    cash = Pledge.objects.get(partner__legal_name__contains="Bank Jateng")
    assert cash.instalments.count() == 3 and cash.status == "partly_fulfilled"
    overdue = [
        i for i in cash.instalments.all() if i.outstanding and i.due_date < cash.accepted_at.date()
    ]
    assert len(overdue) == 1
    goods = Pledge.objects.get(kind="goods")
    assert set(goods.goods.values_list("status", flat=True)) == {GoodsItem.Status.HANDED_ON}
    rtlh = Pledge.objects.get(programme="rtlh")
    assert rtlh.fund.is_restricted and rtlh.status == "fulfilled"
    from donors.csr_selectors import pledge_impact

    assert pledge_impact(pledges=[rtlh]).houses == 2
    assert ledger_verify() == []
