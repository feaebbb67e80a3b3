"""A gift or a payroll file is reversed through its own service, never from the ledger screen.

Reversing the gift's ledger transaction from the generic screen would leave
the contribution recorded and its receipt valid; the ledger refuses and links
to the gift instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from donors.models import Contribution, Donor, Receipt
from donors.services import contribution_reverse, gift_record, payroll_import_commit
from funds.errors import LedgerError
from funds.models import Transaction
from funds.services import transaction_reverse
from tests.donors.conftest import dinkes_march


@pytest.fixture
def gift(books):
    donor = Donor.objects.create(kind=Donor.Kind.COMPANY, name="PT Sukowati Makmur")
    return gift_record(
        donor=donor,
        fund=books.infak,
        location=books.kas,
        amount=Decimal("1500000"),
        date=dt.date(2025, 4, 2),
        channel=Contribution.Channel.CASH,
        actor=books.manager,
    )


def test_the_ledger_screen_refuses_to_reverse_a_gift_and_links_to_it(books, gift, personas, login):
    client = login(personas["treasurer"])
    url = reverse("funds:transaction", args=[gift.transaction.pk])
    page = client.get(url).content.decode()
    gift_url = reverse("donors:contribution_detail", args=[gift.pk])
    assert f'href="{gift_url}"' in page
    assert reverse("funds:transaction_reverse", args=[gift.transaction.pk]) not in page

    response = client.post(
        reverse("funds:transaction_reverse", args=[gift.transaction.pk]),
        {"reason": "salah", "date": "2025-04-03"},
        follow=True,
    )
    assert "hanya dapat dikoreksi melalui catatan tersebut" in response.content.decode()
    assert not Transaction.objects.filter(reverses=gift.transaction).exists()
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.RECORDED
    assert Receipt.objects.get(contribution=gift).status == "valid"

    # The gift's own service still works: the gift, its receipt and the ledger move together.
    contribution_reverse(contribution=gift, reason="Salah catat", actor=books.manager)
    gift.refresh_from_db()
    assert gift.status == Contribution.Status.REVERSED
    assert Receipt.objects.get(contribution=gift).status == "void"
    assert Transaction.objects.filter(reverses=gift.transaction).exists()


def test_the_ledger_service_refuses_a_gift_without_or_with_another_record(books, gift):
    with pytest.raises(LedgerError, match="Sumbangan #"):
        transaction_reverse(transaction=gift.transaction, reason="x", actor=books.manager)
    other = Donor.objects.create(kind=Donor.Kind.COMPANY, name="PT Lain")
    with pytest.raises(LedgerError):
        transaction_reverse(
            transaction=gift.transaction, reason="x", actor=books.manager, reference=other
        )
    assert not Transaction.objects.filter(reverses=gift.transaction).exists()


def test_a_payroll_file_is_not_reversed_from_the_ledger_either(books, prepare):
    draft, _ = prepare(dinkes_march())
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    with pytest.raises(LedgerError, match="Impor potongan gaji #"):
        transaction_reverse(transaction=imp.transaction, reason="x", actor=books.manager)
    assert not Transaction.objects.filter(reverses=imp.transaction).exists()
