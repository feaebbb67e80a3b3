"""Money rules (fund purpose and restrictions, locations, share limits) change only through
audited services; the Django admin shows them read-only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from funds.errors import LedgerError
from funds.models import Fund, MoneyLocation, ShareLimit
from funds.services import (
    commitment_open,
    fund_update,
    money_location_update,
    share_limit,
    share_limit_set,
)

D = Decimal
TODAY = dt.date(2026, 1, 10)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/funds/fund/{fund}/change/",
        "/admin/funds/moneylocation/{bank}/change/",
        "/admin/funds/sharelimit/add/",
    ],
)
def test_the_django_admin_cannot_change_money_rules(ledger, personas, login, url):
    client = login(personas["admin"])
    url = url.format(fund=ledger.csr.pk, bank=ledger.bank.pk)
    response = client.post(url, {"name": "diubah", "purpose": "apa saja", "rate": "90"})
    assert response.status_code == 403
    ledger.csr.refresh_from_db()
    assert ledger.csr.allowed_programmes == ["rtlh"] and ledger.csr.purpose == "RTLH Sambirejo"
    assert not ShareLimit.objects.exists()
    assert client.get(f"/admin/funds/fund/{ledger.csr.pk}/change/").status_code == 200  # view


def test_a_fund_update_is_audited_with_what_changed(ledger):
    fund_update(
        fund=ledger.matra,
        name="MATRA Sragen",
        purpose="Bantuan warga miskin",
        allowed_programmes=[],
        allowed_areas=[],
        actor=ledger.head,
    )
    entry = AuditEntry.objects.get(action="funds.fund.updated")
    assert entry.actor == ledger.head
    assert entry.changes["name"] == ["MATRA", "MATRA Sragen"]
    assert entry.changes["purpose"] == ["", "Bantuan warga miskin"]


def test_a_restricted_fund_holding_money_may_be_narrowed_but_not_widened(ledger, give):
    give(ledger.csr, "1000")
    for programmes, areas in ((["rtlh", "pendidikan"], ["33.14.09"]), (["rtlh"], []), ([], [])):
        with pytest.raises(LedgerError, match="dipersempit"):
            fund_update(
                fund=ledger.csr,
                name=ledger.csr.name,
                purpose=ledger.csr.purpose,
                allowed_programmes=programmes,
                allowed_areas=areas,
                actor=ledger.head,
            )
    fund_update(
        fund=ledger.csr,
        name=ledger.csr.name,
        purpose=ledger.csr.purpose,
        allowed_programmes=["rtlh"],
        allowed_areas=["33.14.09.2001"],
        actor=ledger.head,
    )
    assert Fund.objects.get(pk=ledger.csr.pk).allowed_areas == ["33.14.09.2001"]


def test_an_empty_restricted_fund_may_be_redefined_but_never_left_without_purpose(ledger):
    with pytest.raises(LedgerError, match="wajib menyebut"):
        fund_update(
            fund=ledger.csr,
            name="CSR",
            purpose="",
            allowed_programmes=[],
            allowed_areas=[],
            actor=ledger.head,
        )
    fund_update(
        fund=ledger.csr,
        name="CSR",
        purpose="Beasiswa",
        allowed_programmes=["pendidikan"],
        allowed_areas=[],
        actor=ledger.head,
    )
    assert Fund.objects.get(pk=ledger.csr.pk).allowed_programmes == ["pendidikan"]


def test_a_fund_with_an_open_commitment_counts_as_holding_money(ledger, give):
    give(ledger.csr, "1000")
    commitment_open(
        fund=ledger.csr,
        amount=D("1000"),
        reference=None,
        actor=None,
        programme="rtlh",
        area="33.14.09",
    )
    with pytest.raises(LedgerError):
        fund_update(
            fund=ledger.csr,
            name="x",
            purpose="x",
            allowed_programmes=["pendidikan"],
            allowed_areas=["33.14.09"],
            actor=ledger.head,
        )


def test_the_head_edits_a_fund_on_its_screen(ledger, login):
    response = login(ledger.head).post(
        reverse("funds:fund_edit", args=[ledger.matra.code]),
        {"name": "MATRA Baru", "purpose": "", "allowed_programmes": "", "allowed_areas": "3x"},
    )
    assert response.status_code == 200 and "tidak sah" in response.content.decode()
    response = login(ledger.head).post(
        reverse("funds:fund_edit", args=[ledger.matra.code]),
        {"name": "MATRA Baru", "purpose": "", "allowed_programmes": "", "allowed_areas": ""},
    )
    assert response.status_code == 302
    assert Fund.objects.get(pk=ledger.matra.pk).name == "MATRA Baru"


def test_a_money_location_holding_money_cannot_be_switched_off(ledger, give, login):
    give(ledger.matra, "1000", location=ledger.kas)
    with pytest.raises(LedgerError, match="masih menyimpan"):
        money_location_update(location=ledger.kas, name="Kas", is_active=False, actor=ledger.head)
    money_location_update(
        location=ledger.bank,
        name="Bank Jateng Sragen",
        bank_name="Bank Jateng",
        account_number="1-234",
        is_active=False,
        actor=ledger.treasurer,
    )
    entry = AuditEntry.objects.get(action="funds.location.updated")
    assert entry.changes["is_active"] == [True, False]
    response = login(ledger.treasurer).post(
        reverse("funds:location_edit", args=["kas"]), {"name": "", "is_active": "on"}
    )
    assert response.status_code == 200
    assert MoneyLocation.objects.get(code="kas").name == "Kas"


def test_a_share_limit_is_added_from_a_date_and_never_backdated(ledger):
    kind = ShareLimit.Kind.AMIL_FROM_ZAKAT
    with pytest.raises(LedgerError, match="mulai hari ini"):
        share_limit_set(
            kind=kind, rate="10", valid_from=dt.date(2026, 1, 1), actor=ledger.head, today=TODAY
        )
    for bad in ("101", "-1", "abc"):
        with pytest.raises(LedgerError):
            share_limit_set(kind=kind, rate=bad, valid_from=TODAY, actor=ledger.head, today=TODAY)
    with pytest.raises(LedgerError):
        share_limit_set(kind="lain", rate="5", valid_from=TODAY, actor=ledger.head, today=TODAY)
    share_limit_set(kind=kind, rate="10", valid_from=TODAY, actor=ledger.head, today=TODAY)
    with pytest.raises(LedgerError, match="Sudah ada"):
        share_limit_set(kind=kind, rate="11", valid_from=TODAY, actor=ledger.head, today=TODAY)
    assert share_limit(kind=kind, date=TODAY - dt.timedelta(days=1)) == D("12.50")
    assert share_limit(kind=kind, date=TODAY) == D("10.00")
    entry = AuditEntry.objects.get(action="funds.share_limit.set")
    assert entry.changes == {"kind": kind, "rate": "10.00", "valid_from": TODAY.isoformat()}


def test_the_head_sets_a_share_limit_on_its_screen(ledger, login):
    url = reverse("funds:share_limits")
    page = login(ledger.head).get(url).content.decode()
    assert "12.50%" in page or "12,50%" in page
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = login(ledger.head).post(
        url, {"kind": ShareLimit.Kind.COSTS_FROM_INFAK, "rate": "15", "valid_from": future}
    )
    assert response.status_code == 302
    assert ShareLimit.objects.get().rate == D("15.00")
