"""Programme codes are a registry the ledger checks; commitments are checked when opened and paid in parts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from funds.errors import LedgerError
from funds.models import Commitment, Programme
from funds.selectors import fund_available, fund_balance
from funds.services import (
    commitment_open,
    commitment_release,
    fund_create,
    payment_record,
    transaction_post,
)
from funds.verify import ledger_verify

D = Decimal
DAY = dt.date(2025, 5, 10)


def pay_part(ledger, commitment, amount, *, final=False, **kw):
    return payment_record(
        fund=commitment.fund,
        location=ledger.bank,
        amount=D(amount),
        date=DAY,
        description="Tahap",
        reference=None,
        actor=ledger.treasurer,
        commitment=commitment,
        programme=kw.get("programme", commitment.programme),
        area=kw.get("area", commitment.area),
        final=final,
    )


def test_the_shipped_programmes_are_registered(db):
    assert {"rtlh", "kesehatan", "pendidikan", "lansia", "darurat"} <= set(
        Programme.objects.values_list("code", flat=True)
    )


def test_a_fund_cannot_allow_an_unregistered_programme(ledger):
    with pytest.raises(LedgerError, match="tidak terdaftar"):
        fund_create(
            code="csr-x",
            name="CSR X",
            restriction="restricted",
            allowed_programmes=["rumah-bagus"],
            actor=ledger.manager,
        )
    fund = fund_create(
        code="csr-y",
        name="CSR Y",
        restriction="restricted",
        allowed_programmes=["rtlh"],
        actor=None,
    )
    assert fund.allowed_programmes == ["rtlh"]


def test_a_payment_with_an_unregistered_or_retired_programme_is_refused(ledger, give):
    give(ledger.matra, "1000000")
    with pytest.raises(LedgerError, match="tidak terdaftar"):
        payment_record(
            fund=ledger.matra,
            location=ledger.bank,
            amount=D("1000"),
            date=DAY,
            description="x",
            reference=None,
            actor=None,
            programme="sembako",
        )
    Programme.objects.filter(code="lansia").update(is_active=False)
    with pytest.raises(LedgerError, match="tidak aktif"):
        commitment_open(
            fund=ledger.matra, amount=D("1000"), reference=None, actor=None, programme="lansia"
        )


def test_the_low_level_writer_refuses_an_unregistered_programme(ledger, give):
    give(ledger.matra, "1000")
    with pytest.raises(LedgerError, match="tidak terdaftar"):
        transaction_post(
            kind="adjustment",
            date=DAY,
            description="x",
            lines=[(ledger.matra.account, D("1")), (ledger.bank.account, D("-1"))],
            actor=None,
            programme="bebas",
        )


def test_a_commitment_checks_the_funds_purpose_and_area_when_opened(ledger, give):
    give(ledger.csr, "10000000")
    with pytest.raises(LedgerError, match="program"):
        commitment_open(
            fund=ledger.csr,
            amount=D("1000"),
            reference=None,
            actor=None,
            programme="kesehatan",
            area="33.14.09.2001",
        )
    with pytest.raises(LedgerError, match="wilayah"):
        commitment_open(
            fund=ledger.csr,
            amount=D("1000"),
            reference=None,
            actor=None,
            programme="rtlh",
            area="33.14.01.2001",
        )
    ok = commitment_open(
        fund=ledger.csr,
        amount=D("1000"),
        reference=None,
        actor=None,
        programme="rtlh",
        area="33.14.09.2001",
    )
    assert ok.programme == "rtlh" and fund_available(fund=ledger.csr) == D("9999000")


def test_a_commitment_is_paid_in_stages_and_never_above_what_was_approved(ledger, give):
    give(ledger.matra, "10000000")
    commitment = commitment_open(
        fund=ledger.matra, amount=D("5000000"), reference=ledger.infak, actor=None, programme="rtlh"
    )
    pay_part(ledger, commitment, "3000000")
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.OPEN and commitment.paid_amount == D("3000000")
    assert fund_available(fund=ledger.matra) == D("5000000")
    with pytest.raises(LedgerError, match="melebihi sisa"):
        pay_part(ledger, commitment, "2000001")
    last = pay_part(ledger, commitment, "2000000")
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PAID and commitment.payment == last
    assert fund_balance(fund=ledger.matra) == D("5000000") == fund_available(fund=ledger.matra)
    assert ledger_verify() == []


def test_closing_after_a_part_releases_the_remainder(ledger, give):
    give(ledger.matra, "10000000")
    commitment = commitment_open(
        fund=ledger.matra, amount=D("5000000"), reference=None, actor=None, programme="rtlh"
    )
    pay_part(ledger, commitment, "1500000")
    commitment_release(commitment=commitment, actor=None, reason="selesai")
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.RELEASED
    assert commitment.paid_amount == D("1500000")
    assert fund_available(fund=ledger.matra) == D("8500000")
    assert ledger_verify() == []


def test_one_reference_has_at_most_one_open_commitment(ledger, give):
    give(ledger.matra, "10000000")
    first = commitment_open(fund=ledger.matra, amount=D("1000"), reference=ledger.infak, actor=None)
    with pytest.raises(LedgerError, match="sudah memiliki komitmen terbuka"):
        commitment_open(fund=ledger.matra, amount=D("1000"), reference=ledger.infak, actor=None)
    assert fund_available(fund=ledger.matra) == D("9999000")
    commitment_release(commitment=first, actor=None)
    commitment_open(fund=ledger.matra, amount=D("1000"), reference=ledger.infak, actor=None)


def test_the_database_itself_refuses_a_second_open_commitment_and_overpayment(ledger):
    Commitment.objects.create(
        fund=ledger.matra, amount=D("5"), reference_type="x", reference_id="1"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            fund=ledger.matra, amount=D("5"), reference_type="x", reference_id="1"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            fund=ledger.matra,
            amount=D("5"),
            paid_amount=D("6"),
            reference_type="x",
            reference_id="2",
        )
