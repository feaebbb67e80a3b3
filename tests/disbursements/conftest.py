"""Funds with money, households with cards, and a quick way to ask, approve and pay."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from beneficiaries.models import Card, EmergencyLetter, Grade, Person
from funds.models import Fund, MoneyLocation, Programme
from funds.services import contribution_record
from tests.beneficiaries.factories import household

D = Decimal
_numbers = itertools.count(1)


def family(*, grade=Grade.POOR, card=True, letter=False, members=2, valid=True, **kw):
    """Create a household with a card (and/or an emergency letter) valid today."""
    from core.models import User

    home = household(members=members, **kw)
    today = timezone.localdate()
    issuer = User.objects.order_by("pk").first()
    start, end = (today - dt.timedelta(days=30), today + dt.timedelta(days=300))
    if not valid:
        start, end = today - dt.timedelta(days=400), today - dt.timedelta(days=35)
    if card:
        Card.objects.create(
            number=f"KM-{next(_numbers):06d}",
            household=home,
            grade=grade,
            valid_from=start,
            valid_until=end,
            issued_by=issuer,
        )
    if letter:
        EmergencyLetter.objects.create(
            number=f"SR-{next(_numbers):06d}",
            household=home,
            reason=EmergencyLetter.Reason.DISASTER,
            description="Rumah roboh",
            valid_from=today - dt.timedelta(days=3),
            valid_until=today + dt.timedelta(days=27),
            issued_by=issuer,
        )
    return home


def pupil(home, level="sd"):
    """Return a child member of `home` at school `level`."""
    person = Person.objects.filter(memberships__household=home).order_by("-pk").first()
    person.school_level = level
    person.save(update_fields=["school_level"])
    return person


@pytest.fixture
def aid(db, org, personas):
    """Return the funds (with money), the bank, the programmes and the people."""
    matra = Fund.objects.create(code="matra", name="MATRA")
    infak = Fund.objects.create(code="infak-mitra-kenanga", name="Infak Mitra Kenanga")
    csr = Fund.objects.create(
        code="csr-rtlh-kalijambe",
        name="CSR RTLH Kalijambe",
        restriction=Fund.Restriction.RESTRICTED,
        purpose="RTLH Kalijambe",
        allowed_programmes=["rtlh"],
        allowed_areas=["33.14.01"],
    )
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    day = timezone.localdate() - dt.timedelta(days=1)
    for fund, amount in ((matra, "50000000"), (infak, "20000000"), (csr, "10000000")):
        contribution_record(
            fund=fund,
            location=bank,
            amount=D(amount),
            date=day,
            description="Saldo uji",
            reference=None,
            actor=personas["fund_manager"],
        )
    programmes = {p.code: p for p in Programme.objects.all()}
    return SimpleNamespace(
        matra=matra,
        infak=infak,
        csr=csr,
        bank=bank,
        p=programmes,
        verifier=personas["verifier"],
        manager=personas["fund_manager"],
        treasurer=personas["treasurer"],
        head=personas["head"],
        auditor=personas["auditor"],
        today=timezone.localdate(),
    )


@pytest.fixture
def ask(aid):
    """Ask for help quickly: ask(household, "rtlh", fund=..., amount=...)."""
    from disbursements.services import disbursement_create

    defaults = {
        "rtlh": ("5000000", "supplier"),
        "kesehatan": ("1200000", "health"),
        "pendidikan": ("375000", "school"),
        "lansia": ("300000", "household"),
        "darurat": ("1000000", "household"),
    }

    def _ask(home, code="rtlh", *, fund=None, amount=None, member=None, actor=None, **kw):
        amount_default, payee = defaults[code]
        return disbursement_create(
            programme=aid.p[code],
            household=home,
            member=member,
            fund=fund or aid.matra,
            amount=amount if amount is not None else amount_default,
            payee_kind=kw.pop("payee_kind", payee),
            payee_name=kw.pop("payee_name", "Toko Bangunan Maju"),
            actor=actor or aid.verifier,
            **kw,
        )

    return _ask


@pytest.fixture
def pay(aid):
    """Pay (a stage of) an approved request: pay(req, "2500000")."""
    from disbursements.services import disbursement_pay

    def _pay(req, amount, *, key=None, actor=None, **kw):
        return disbursement_pay(
            request=req,
            actor=actor or aid.treasurer,
            amount=amount,
            location=aid.bank,
            method=kw.pop("method", "transfer"),
            date=kw.pop("date", aid.today),
            idempotency_key=key or uuid.uuid4().hex,
            **kw,
        )

    return _pay
