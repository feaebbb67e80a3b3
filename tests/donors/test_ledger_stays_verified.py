"""The ledger stays verified (verify_ledger) after imports, gifts and reversals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from donors.services import (
    contribution_reverse,
    gift_record,
    payroll_import_commit,
    payroll_import_reverse,
)
from tests.donors.conftest import NIP_C, csv_file, dinkes_march


def _verify() -> str:
    out = StringIO()
    call_command("verify_ledger", stdout=out)  # raises CommandError on any violation
    return out.getvalue()


def test_verify_ledger_passes_after_imports_gifts_and_reversals(books, prepare):
    dinkes, _ = prepare(dinkes_march())
    dinkes = payroll_import_commit(payroll_import=dinkes, actor=books.manager)
    disdik, _ = prepare(csv_file([(NIP_C, "Agus Wibowo", "150000")]), opd=books.disdik)
    payroll_import_commit(payroll_import=disdik, actor=books.manager)
    assert "Buku besar utuh: 2 transaksi diperiksa." in _verify()

    gift = gift_record(
        donor=books.people[NIP_C],
        fund=books.infak,
        location=books.kas,
        amount=Decimal("75000"),
        date=dt.date(2025, 4, 1),
        channel="cash",
        actor=books.manager,
    )
    payroll_import_reverse(payroll_import=dinkes, reason="Salah bulan", actor=books.manager)
    contribution_reverse(contribution=gift, reason="Salah catat", actor=books.manager)
    assert "Buku besar utuh: 5 transaksi diperiksa." in _verify()
