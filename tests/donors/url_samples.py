"""Arguments for the donors URLs that take some (see tests/core/test_url_access.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.roles import Role
from donors.models import Contribution, Donor, Opd, PayrollImport, Receipt, Scheme

STAFF = {Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN}


def _books():
    from funds.models import Fund, MoneyLocation

    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    bank, _ = MoneyLocation.objects.get_or_create(
        code="bank-jateng", defaults={"name": "Bank Jateng", "kind": MoneyLocation.Kind.BANK}
    )
    scheme, _ = Scheme.objects.get_or_create(
        code="matra", defaults={"name": "MATRA", "fund": fund, "deposit_location": bank}
    )
    opd, _ = Opd.objects.get_or_create(code="DINKES", defaults={"name": "Dinas Kesehatan"})
    return fund, bank, scheme, opd


def _donor(personas, *, own: bool = False, other: bool = False) -> Donor:
    _, _, _, opd = _books()
    if other:
        # Another contributor's record: the contributor persona must not find it.
        from tests.conftest import make_user

        user = make_user("dewi.donatur.lain@uji.test", [Role.CONTRIBUTOR])
        nip = "199001012015031001"
    else:
        user = personas[Role.CONTRIBUTOR] if own else None
        nip = "197805152005011002" if own else "198203102008012003"
    return Donor.objects.create(
        kind=Donor.Kind.CIVIL_SERVANT,
        name="Budi Santoso",
        nip=nip,
        position=Donor.Position.ECHELON_III,
        opd=opd,
        user=user,
    )


def _gift(personas, *, own: bool = False, other: bool = False) -> Contribution:
    from donors.services import gift_record

    fund, bank, _, _ = _books()
    return gift_record(
        donor=_donor(personas, own=own, other=other),
        fund=fund,
        location=bank,
        amount=Decimal("100000"),
        date=dt.date(2025, 3, 3),
        # An institution's gift may land in the bank (cash at the desk goes to the cash box).
        channel=Contribution.Channel.INSTITUTION,
        actor=personas[Role.FUND_MANAGER],
    )


def _import(personas) -> PayrollImport:
    from donors.services import payroll_import_prepare

    _, _, scheme, opd = _books()
    draft, check = payroll_import_prepare(
        data=b"NIP;NAMA;JUMLAH\n197805152005011002;Budi;100.000\n",
        filename="gaji.csv",
        opd=opd,
        scheme=scheme,
        period=dt.date(2025, 3, 1),
        received_on=dt.date(2025, 3, 28),
        expected_count=None,
        expected_total=None,
        actor=personas[Role.FUND_MANAGER],
    )
    assert check.ok, check.errors
    return draft


SAMPLES = {
    "donors:donor_detail": lambda p: {"pk": _donor(p).pk},
    "donors:donor_edit": lambda p: {"pk": _donor(p).pk},
    "donors:donor_merge": lambda p: {"pk": _donor(p).pk},
    "donors:enrolment_create": lambda p: {"pk": _donor(p).pk},
    # A contributor may open only their own statement.
    "donors:statement_pdf": lambda p: ({"pk": _donor(p, own=True).pk}, STAFF | {Role.CONTRIBUTOR}),
    "donors:scheme_detail": lambda p: {"pk": _books()[2].pk},
    "donors:import_detail": lambda p: {"pk": _import(p).pk},
    "donors:import_confirm": lambda p: {"pk": _import(p).pk},
    "donors:import_reverse": lambda p: {"pk": _import(p).pk},
    "donors:import_receipts": lambda p: {"pk": _import(p).pk},
    "donors:contribution_detail": lambda p: {"pk": _gift(p).pk},
    "donors:contribution_reverse": lambda p: {"pk": _gift(p).pk},
    "donors:receipt_pdf": lambda p: (
        {"pk": Receipt.objects.get(contribution=_gift(p, own=True)).pk},
        STAFF | {Role.CONTRIBUTOR},
    ),
    "donors:receipt_verify": lambda p: {"token": Receipt.objects.get(contribution=_gift(p)).token},
}

# The same URLs asked for ANOTHER user's object (test_url_access.py): the roles
# that see only their own objects get 404.
OTHERS = {
    "donors:statement_pdf": lambda p: ({"pk": _donor(p, other=True).pk}, STAFF),
    "donors:receipt_pdf": lambda p: (
        {"pk": Receipt.objects.get(contribution=_gift(p, other=True)).pk},
        STAFF,
    ),
}
