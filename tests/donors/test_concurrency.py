"""Receipt numbers and one-file-per-month under concurrent requests (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from donors.errors import DonorError
from donors.models import Contribution, Donor, Opd, PayrollImport, Receipt, Scheme
from donors.services import gift_record, payroll_import_commit, payroll_import_prepare
from funds.models import Fund, MoneyLocation
from funds.verify import ledger_verify
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks (select_for_update); SQLite serialises whole-database writes",
    ),
]


def _books():
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(
        code="bank-jateng", name="Bank", kind=MoneyLocation.Kind.BANK
    )
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=fund, deposit_location=bank)
    return fund, bank, scheme


def test_concurrent_gifts_get_distinct_gapless_receipt_numbers():
    fund, bank, _ = _books()
    donors = [Donor.objects.create(kind="individual", name=f"Donatur {i}") for i in range(6)]

    def give(i):
        return gift_record(
            donor=donors[i],
            fund=fund,
            location=bank,
            amount=Decimal("10000"),
            date=dt.date(2025, 5, 5),
            # An institution's gift may land in the bank (cash at the desk goes to the cash box).
            channel=Contribution.Channel.INSTITUTION,
            actor=None,
        )

    results, errors = run_at_once(6, give)
    assert errors == []
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert ledger_verify() == []


def test_two_drafts_of_one_opd_month_booked_at_once_book_exactly_one():
    _, _, scheme = _books()
    opd = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    drafts = []
    for amount in ("100.000", "200.000"):
        draft, check = payroll_import_prepare(
            data=f"NIP;NAMA;JUMLAH\n197805152005011002;Budi;{amount}\n".encode(),
            filename="gaji.csv",
            opd=opd,
            scheme=scheme,
            period=dt.date(2025, 3, 1),
            received_on=dt.date(2025, 3, 28),
            expected_count=None,
            expected_total=None,
            actor=None,
        )
        assert check.ok
        drafts.append(draft)

    results, errors = run_at_once(
        2, lambda i: payroll_import_commit(payroll_import=drafts[i], actor=None)
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DonorError) and "sudah dibukukan" in str(errors[0])
    assert PayrollImport.objects.filter(status="committed").count() == 1
    assert Contribution.objects.count() == 1 and Receipt.objects.count() == 1
    assert ledger_verify() == []


def test_booking_progress_is_visible_to_other_connections_while_the_booking_runs():
    from core.models import Job
    from donors.tasks import payroll_import_commit_task

    _, _, scheme = _books()
    opd = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    draft, _ = payroll_import_prepare(
        data=b"NIP;NAMA;JUMLAH\n197805152005011002;Budi;100.000\n198203102008012003;Sri;100.000\n",
        filename="gaji.csv",
        opd=opd,
        scheme=scheme,
        period=dt.date(2025, 3, 1),
        received_on=dt.date(2025, 3, 28),
        expected_count=None,
        expected_total=None,
        actor=None,
    )
    job = Job.objects.create(kind="donors.payroll_import", total=2)
    seen = []

    import donors.services as services

    original = services.insert_rows

    def watching_insert(model, columns, rows):
        # Read the job from another connection, as the polling page would.
        def look(_):
            seen.append(Job.objects.get(pk=job.pk).done)

        run_at_once(1, look)
        return original(model, columns, rows)

    services.insert_rows = watching_insert
    try:
        payroll_import_commit_task(draft.pk, job.pk, None)
    finally:
        services.insert_rows = original
    job.refresh_from_db()
    assert job.status == "done"
    # Halfway (the contributions written) is seen from outside before the booking commits.
    assert seen[-1] == 1 and job.done == 2


def test_payroll_files_and_gifts_booked_at_once_neither_deadlock_nor_lose_a_receipt():
    """Files take the receipt counter, then the ledger, as every gift does (decision 49)."""
    fund, bank, scheme = _books()
    donors = [Donor.objects.create(kind="individual", name=f"Donatur {i}") for i in range(6)]
    drafts = []
    for i, code in enumerate(("DINKES", "DISDIK", "BAPPEDA")):
        opd = Opd.objects.create(code=code, name=code)
        rows = "".join(f"1978051{i}2005011{n:03d};Pegawai {n};100.000\n" for n in range(1, 41))
        draft, check = payroll_import_prepare(
            data=f"NIP;NAMA;JUMLAH\n{rows}".encode(),
            filename="gaji.csv",
            opd=opd,
            scheme=scheme,
            period=dt.date(2025, 3, 1),
            received_on=dt.date(2025, 3, 28),
            expected_count=None,
            expected_total=None,
            actor=None,
        )
        assert check.ok, check
        drafts.append(draft)

    def work(i):
        if i < 3:
            return payroll_import_commit(payroll_import=drafts[i], actor=None)
        return gift_record(
            donor=donors[i - 3],
            fund=fund,
            location=bank,
            amount=Decimal("10000"),
            date=dt.date(2025, 3, 28),
            channel=Contribution.Channel.INSTITUTION,
            actor=None,
        )

    results, errors = run_at_once(9, work)
    assert errors == [], errors
    assert Contribution.objects.count() == 3 * 40 + 6
    assert Contribution.objects.filter(transaction__isnull=True).count() == 0
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 3 * 40 + 6 + 1))
    for imp in PayrollImport.objects.all():
        assert {c.transaction_id for c in imp.contributions.all()} == {imp.transaction_id}
    assert ledger_verify() == []
