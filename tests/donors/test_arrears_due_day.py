"""Arrears count only months that are due: on the 1st, nobody is late for the month just begun."""

import datetime as dt
from decimal import Decimal

import pytest

from donors.models import Donor, Enrolment, Opd, Scheme
from donors.selectors import arrears_for_month, donor_statement, latest_due_month, payroll_due_date
from funds.models import Fund, MoneyLocation

pytestmark = pytest.mark.django_db


def test_a_month_is_due_on_the_due_day_of_the_next_month(settings):
    settings.KENANGA_PAYROLL_DUE_DAY = 10
    assert payroll_due_date(dt.date(2026, 11, 1)) == dt.date(2026, 12, 10)
    assert payroll_due_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 10)


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (dt.date(2026, 12, 1), dt.date(2026, 10, 1)),
        (dt.date(2026, 12, 9), dt.date(2026, 10, 1)),
        (dt.date(2026, 12, 10), dt.date(2026, 11, 1)),
        (dt.date(2027, 1, 31), dt.date(2026, 12, 1)),
    ],
)
def test_the_latest_due_month_follows_the_due_day(settings, today, latest):
    settings.KENANGA_PAYROLL_DUE_DAY = 10
    assert latest_due_month(today=today) == latest


@pytest.fixture
def enrolled():
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind="bank")
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=fund, deposit_location=bank)
    opd = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    donor = Donor.objects.create(kind="pns", name="Budi", nip="198203102008012003", opd=opd)
    Enrolment.objects.create(
        donor=donor, scheme=scheme, start=dt.date(2026, 1, 1), monthly_amount=Decimal("100000")
    )
    return scheme, donor


def test_the_month_just_begun_is_not_an_arrear(enrolled, settings):
    settings.KENANGA_PAYROLL_DUE_DAY = 10
    scheme, _ = enrolled
    report = arrears_for_month(
        scheme=scheme, month=dt.date(2026, 12, 1), today=dt.date(2026, 12, 1)
    )
    assert not report.is_due
    report = arrears_for_month(
        scheme=scheme, month=dt.date(2026, 10, 1), today=dt.date(2026, 12, 1)
    )
    assert report.is_due and len(report.missing_donors) == 1


def test_the_donor_statement_counts_only_due_months(enrolled, settings):
    settings.KENANGA_PAYROLL_DUE_DAY = 10
    _, donor = enrolled
    statement = donor_statement(donor=donor, year=2026, until=dt.date(2026, 12, 1))
    late = [m.month.month for m in statement.months_in_arrears]
    assert late == list(range(1, 11))  # January to October; November is due on 10 December


def test_the_arrears_page_opens_on_the_latest_due_month(enrolled, personas, login, settings):
    from django.urls import reverse

    settings.KENANGA_PAYROLL_DUE_DAY = 10
    body = login(personas["fund_manager"]).get(reverse("donors:arrears")).content.decode()
    latest = latest_due_month()
    assert f'value="{latest:%Y-%m}"' in body
    assert 'data-testid="due-note"' in body


def test_a_month_not_yet_due_is_shown_as_not_yet_received(enrolled, personas, login):
    from django.urls import reverse
    from django.utils import timezone

    this_month = timezone.localdate().replace(day=1)
    body = (
        login(personas["fund_manager"])
        .get(reverse("donors:arrears"), {"bulan": f"{this_month:%Y-%m}"})
        .content.decode()
    )
    assert "belum jatuh tempo" in body


def test_an_enrolment_alone_offers_no_statement_year(enrolled):
    from donors.selectors import donor_statement_years

    _, donor = enrolled
    # Enrolled in January 2026 but nothing received yet: a promise is not a gift.
    assert donor_statement_years(donor=donor) == []
    newcomer = Donor.objects.create(kind="individual", name="Baru")
    assert donor_statement_years(donor=newcomer) == []


def test_an_empty_year_gives_no_signed_statement(enrolled, personas, login):
    from django.urls import reverse

    newcomer = Donor.objects.create(kind="individual", name="Baru")
    response = login(personas["fund_manager"]).get(
        reverse("donors:statement_pdf", args=[newcomer.pk]), {"tahun": "2020"}
    )
    assert response.status_code == 302
    assert response["Content-Type"] != "application/pdf"
