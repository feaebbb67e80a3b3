"""Shared pieces of the donors tests: a small ledger, OPDs, the MATRA scheme, payroll files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.money import parse_amount
from donors.models import Donor, Enrolment, Opd, Scheme, SchemeRate
from funds.models import Fund, MoneyLocation

# Valid NIPs: birth YYYYMMDD, appointment YYYYMM, sex, serial.
NIP_A = "197805152005011002"
NIP_B = "198203102008012003"
NIP_C = "199001012015031001"
NIP_NEW = "199512242020122004"

PERIOD = dt.date(2025, 3, 1)
RECEIVED = dt.date(2025, 3, 28)


def csv_file(rows, *, sep=";", header=("NIP", "NAMA", "JUMLAH"), bom=False, totals=None) -> bytes:
    """Build a payroll CSV the way an OPD's spreadsheet exports it."""
    lines = [sep.join(header)]
    lines += [sep.join(str(c) for c in row) for row in rows]
    if totals is not None:
        lines.append(sep.join(["JUMLAH", "", totals]))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def xlsx_file(rows, header=("NIP", "NAMA", "JUMLAH")) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def books(db, org, personas):
    """Return funds, locations, two OPDs, the MATRA scheme with its rates, and three enrolled PNS."""
    matra = Fund.objects.create(code="matra", name="MATRA")
    infak = Fund.objects.create(code="infak-mitra-kenanga", name="Infak Mitra Kenanga")
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    kas = MoneyLocation.objects.create(code="kas", name="Kas", kind=MoneyLocation.Kind.CASH)
    dinkes = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    disdik = Opd.objects.create(code="DISDIK", name="Dinas Pendidikan")
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=matra, deposit_location=bank)
    start = dt.date(2024, 1, 1)
    for position, amount in (
        (Donor.Position.ECHELON_II, "200000"),
        (Donor.Position.ECHELON_III, "100000"),
        (Donor.Position.PRINCIPAL_OR_UPT_HEAD, "150000"),
    ):
        SchemeRate.objects.create(
            scheme=scheme, position=position, valid_from=start, minimum_amount=Decimal(amount)
        )
    people = {}
    for nip, name, position, amount, opd in (
        (NIP_A, "Budi Santoso", Donor.Position.ECHELON_II, "200000", dinkes),
        (NIP_B, "Sri Lestari", Donor.Position.ECHELON_III, "100000", dinkes),
        (NIP_C, "Agus Wibowo", Donor.Position.PRINCIPAL_OR_UPT_HEAD, "150000", disdik),
    ):
        donor = Donor.objects.create(
            kind=Donor.Kind.CIVIL_SERVANT, name=name, nip=nip, position=position, opd=opd
        )
        Enrolment.objects.create(
            donor=donor, scheme=scheme, monthly_amount=Decimal(amount), start=start
        )
        people[nip] = donor
    return SimpleNamespace(
        matra=matra,
        infak=infak,
        bank=bank,
        kas=kas,
        dinkes=dinkes,
        disdik=disdik,
        scheme=scheme,
        people=people,
        manager=personas["fund_manager"],
    )


@pytest.fixture
def prepare(books):
    """Check a payroll file for DINKES in March 2025 as the fund manager."""
    from donors.services import payroll_import_prepare

    def _prepare(data, *, opd=None, period=PERIOD, count=None, total=None, filename="gaji.csv"):
        return payroll_import_prepare(
            data=data,
            filename=filename,
            opd=opd or books.dinkes,
            scheme=books.scheme,
            period=period,
            received_on=RECEIVED,
            expected_count=count,
            expected_total=parse_amount(total) if total is not None else None,
            actor=books.manager,
        )

    return _prepare


def dinkes_march() -> bytes:
    return csv_file([(NIP_A, "Budi Santoso", "200.000"), (NIP_B, "Sri Lestari", "Rp100.000,00")])


from tests.donors.csr_fixtures import (  # noqa: E402,F401  (fixtures of the CSR tests)
    csr_books,
    localstripe_url,
    partner,
    stripe_env,
)
