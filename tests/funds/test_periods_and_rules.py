import datetime as dt
from decimal import Decimal

import pytest

from core.models import Organisation
from funds.errors import LedgerError
from funds.models import Fund, ShareLimit
from funds.selectors import fund_balance
from funds.services import (
    fund_create,
    payment_record,
    period_close,
    transaction_reverse,
    transfer_record,
)

D = Decimal
TODAY = dt.date(2025, 6, 15)


def test_the_head_closes_a_finished_month_and_nothing_can_be_dated_inside_it(ledger, give):
    give(ledger.matra, "1000", date=dt.date(2025, 4, 30))
    period = period_close(year=2025, month=4, actor=ledger.head, today=TODAY)
    assert period.last_sequence == 1
    with pytest.raises(LedgerError, match="sudah ditutup"):
        give(ledger.matra, "1000", date=dt.date(2025, 4, 1))
    give(ledger.matra, "1000", date=dt.date(2025, 5, 1))
    assert fund_balance(fund=ledger.matra) == D("2000")


def test_a_correction_of_a_closed_month_goes_into_the_open_period_and_points_back(ledger, give):
    wrong = give(ledger.matra, "1000", date=dt.date(2025, 4, 30))
    period_close(year=2025, month=4, actor=ledger.head, today=TODAY)
    with pytest.raises(LedgerError, match="sudah ditutup"):
        transaction_reverse(
            transaction=wrong, reason="salah", actor=ledger.treasurer, date=dt.date(2025, 4, 30)
        )
    fix = transaction_reverse(
        transaction=wrong, reason="salah", actor=ledger.treasurer, date=dt.date(2025, 5, 2)
    )
    assert fix.reverses == wrong and fix.date == dt.date(2025, 5, 2)


def test_a_month_that_has_not_ended_or_is_already_closed_cannot_be_closed(ledger):
    with pytest.raises(LedgerError, match="belum berakhir"):
        period_close(year=2025, month=6, actor=ledger.head, today=TODAY)
    period_close(year=2025, month=5, actor=ledger.head, today=TODAY)
    with pytest.raises(LedgerError, match="sudah ditutup"):
        period_close(year=2025, month=5, actor=ledger.head, today=TODAY)
    with pytest.raises(LedgerError, match="Bulan"):
        period_close(year=2025, month=13, actor=ledger.head, today=TODAY)


def test_zakat_funds_exist_only_in_a_licensed_zakat_body(ledger):
    with pytest.raises(LedgerError, match="zakat"):
        fund_create(code="zakat", name="Zakat", restriction=Fund.Restriction.ZAKAT, actor=None)


def test_a_restricted_fund_must_say_what_it_is_restricted_to(ledger):
    with pytest.raises(LedgerError, match="tujuan"):
        fund_create(code="x", name="X", restriction=Fund.Restriction.RESTRICTED, actor=None)
    with pytest.raises(LedgerError, match="sudah dipakai"):
        fund_create(code="matra", name="MATRA lagi", actor=None)


@pytest.fixture
def zakat_body(ledger, org):
    Organisation.objects.filter(pk=org.pk).update(legal_status=Organisation.LegalStatus.ZAKAT_BODY)
    R = Fund.Restriction
    return {
        r: fund_create(code=r.value.replace("_", "-"), name=str(r.label), restriction=r, actor=None)
        for r in (R.ZAKAT, R.INFAK_SEDEKAH, R.AMIL, R.NON_HALAL)
    }


def move(ledger, source, target, amount, date=dt.date(2025, 5, 20)):
    return transfer_record(
        source=source,
        target=target,
        amount=D(amount),
        date=date,
        description="pindah",
        actor=ledger.treasurer,
    )


def test_the_amil_share_of_zakat_is_capped_at_twelve_and_a_half_percent(ledger, give, zakat_body):
    R = Fund.Restriction
    zakat, amil = zakat_body[R.ZAKAT], zakat_body[R.AMIL]
    give(zakat, "1000000")
    move(ledger, zakat, amil, "100000")
    move(ledger, zakat, amil, "25000")
    with pytest.raises(LedgerError, match="12.50%"):
        move(ledger, zakat, amil, "0.01")
    assert fund_balance(fund=amil) == D("125000")


def test_the_limits_are_configurable_by_date(ledger, give, zakat_body):
    R = Fund.Restriction
    zakat, amil = zakat_body[R.ZAKAT], zakat_body[R.AMIL]
    ShareLimit.objects.create(
        kind=ShareLimit.Kind.AMIL_FROM_ZAKAT, rate=D("10"), valid_from=dt.date(2025, 5, 15)
    )
    give(zakat, "1000000")
    move(ledger, zakat, amil, "120000", date=dt.date(2025, 5, 10))
    with pytest.raises(LedgerError, match="10.00%"):
        move(ledger, zakat, amil, "1", date=dt.date(2025, 5, 20))


def test_running_costs_from_infak_are_capped_at_twenty_percent(ledger, give, zakat_body):
    R = Fund.Restriction
    infak, amil = zakat_body[R.INFAK_SEDEKAH], zakat_body[R.AMIL]
    give(infak, "500000")
    move(ledger, infak, amil, "100000")
    with pytest.raises(LedgerError, match="20.00%"):
        move(ledger, infak, amil, "1")


def test_zakat_never_mixes_with_other_money(ledger, give, zakat_body):
    R = Fund.Restriction
    zakat, infak, nonhalal = (
        zakat_body[R.ZAKAT],
        zakat_body[R.INFAK_SEDEKAH],
        zakat_body[R.NON_HALAL],
    )
    give(zakat, "1000")
    give(infak, "1000")
    give(nonhalal, "1000")
    with pytest.raises(LedgerError, match="Zakat tidak boleh"):
        move(ledger, zakat, infak, "10")
    with pytest.raises(LedgerError, match="dicampur"):
        move(ledger, infak, zakat, "10")
    with pytest.raises(LedgerError, match="nonhalal"):
        move(ledger, nonhalal, infak, "10")


def test_zakat_is_paid_only_to_one_of_the_eight_asnaf(ledger, give, zakat_body):
    zakat = zakat_body[Fund.Restriction.ZAKAT]
    give(zakat, "1000000")
    kw = {
        "fund": zakat,
        "location": ledger.bank,
        "amount": D("100000"),
        "date": dt.date(2025, 5, 20),
        "description": "Bantuan",
        "reference": None,
        "actor": ledger.treasurer,
    }
    with pytest.raises(LedgerError, match="asnaf"):
        payment_record(**kw)
    txn = payment_record(**kw, asnaf="fakir")
    assert txn.asnaf == "fakir"


def test_a_restricted_fund_may_pass_money_only_to_a_narrower_restricted_fund(ledger, give):
    narrower = fund_create(
        code="csr-rtlh-desa",
        name="RTLH satu desa",
        restriction=Fund.Restriction.RESTRICTED,
        allowed_programmes=["rtlh"],
        allowed_areas=["33.14.09.2001"],
        actor=None,
    )
    give(ledger.csr, "1000")
    with pytest.raises(LedgerError, match="tujuannya"):
        move(ledger, ledger.csr, narrower, "10")
    narrower.allowed_areas = ["33.14.09"]
    narrower.save()
    move(ledger, ledger.csr, narrower, "10")
    assert fund_balance(fund=narrower) == D("10")


def test_a_zakat_body_gets_changes_per_fund_distribution_per_asnaf_and_the_amil_share(
    ledger, give, zakat_body, login, personas
):
    from django.urls import reverse

    from funds.statements import statements_for_period

    R = Fund.Restriction
    zakat, amil = zakat_body[R.ZAKAT], zakat_body[R.AMIL]
    give(zakat, "1000000", date=dt.date(2025, 5, 2))
    move(ledger, zakat, amil, "100000", date=dt.date(2025, 5, 3))
    payment_record(
        fund=zakat,
        location=ledger.bank,
        amount=D("300000"),
        date=dt.date(2025, 5, 4),
        description="Bantuan fakir",
        reference=None,
        actor=ledger.treasurer,
        asnaf="fakir",
    )
    s = statements_for_period(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31))
    assert s.zakat_body and s.balanced
    assert s.asnaf == [("fakir", D("300000"))]
    assert s.amil_percent == D("10.00")
    zakat_row = next(r for r in s.funds if r.code == "zakat")
    assert zakat_row.closing == D("600000") == fund_balance(fund=zakat)
    page = login(personas["auditor"]).get(
        reverse("funds:statements") + "?date_from=2025-05-01&date_to=2025-05-31"
    )
    assert "PSAK 109" in page.content.decode() and "10,00%" in page.content.decode()
