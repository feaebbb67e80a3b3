"""The monthly payroll deduction import: parse, check, preview, book all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import AuditEntry
from donors.errors import DonorError
from donors.models import Contribution, Donor, Enrolment, PayrollImport, Receipt
from donors.services import payroll_import_commit
from funds.models import Transaction
from funds.selectors import fund_balance, transactions_for_reference
from funds.verify import ledger_verify
from tests.donors.conftest import (
    NIP_A,
    NIP_B,
    NIP_C,
    NIP_NEW,
    PERIOD,
    RECEIVED,
    csv_file,
    dinkes_march,
    xlsx_file,
)


def _nothing_recorded():
    assert Contribution.objects.count() == 0
    assert Receipt.objects.count() == 0
    assert Transaction.objects.count() == 0
    assert PayrollImport.objects.filter(status=PayrollImport.Status.COMMITTED).count() == 0


def test_a_checked_file_becomes_a_draft_with_its_totals_and_nothing_is_booked_yet(books, prepare):
    draft, check = prepare(dinkes_march(), count=2, total="300000")
    assert check.ok, check.errors
    assert draft.status == PayrollImport.Status.DRAFT
    assert (draft.row_count, draft.total_amount) == (2, Decimal("300000.00"))
    _nothing_recorded()


def test_booking_a_file_makes_one_ledger_transaction_contributions_and_gapless_receipts(
    books, prepare
):
    draft, _ = prepare(dinkes_march(), count=2, total="300000")
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)

    assert imp.status == PayrollImport.Status.COMMITTED
    txs = list(transactions_for_reference(reference=imp))
    assert len(txs) == 1 and imp.transaction_id == txs[0].pk
    assert fund_balance(fund=books.matra) == Decimal("300000.00")
    contributions = list(imp.contributions.order_by("amount"))
    assert [c.amount for c in contributions] == [Decimal("100000.00"), Decimal("200000.00")]
    assert {c.donor.nip for c in contributions} == {NIP_A, NIP_B}
    assert all(c.period == PERIOD and c.date == RECEIVED for c in contributions)
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert numbers == [1, 2]
    assert AuditEntry.objects.filter(action="donors.payroll_import.committed").count() == 1


def test_receipt_numbers_continue_without_gaps_across_files_of_the_same_year(books, prepare):
    first, _ = prepare(dinkes_march())
    payroll_import_commit(payroll_import=first, actor=books.manager)
    second, _ = prepare(csv_file([(NIP_C, "Agus Wibowo", "150000")]), opd=books.disdik)
    payroll_import_commit(payroll_import=second, actor=books.manager)
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_a_totals_row_a_bom_blank_lines_and_thousands_dots_are_handled(books, prepare):
    data = (
        "\ufeffnama;Jumlah;Keterangan;nip\r\n"
        f"Budi Santoso;200.000;potongan Maret;{NIP_A}\r\n"
        "\r\n"
        f"Sri Lestari;100.000,00;;{NIP_B}\r\n"
        ";;;\r\n"
        "JUMLAH;300.000;;\r\n"
    ).encode()
    draft, check = prepare(data, count=2, total="300.000")
    assert check.ok, check.errors
    assert draft.total_amount == Decimal("300000.00")


def test_a_comma_separated_file_and_an_xlsx_file_are_read_alike(books, prepare):
    _, csv_check = prepare(csv_file([(NIP_A, "Budi", "200000"), (NIP_B, "Sri", "100000")], sep=","))
    _, xlsx_check = prepare(
        xlsx_file([(NIP_A, "Budi", 200000), (NIP_B, "Sri", "100.000")]), filename="gaji.xlsx"
    )
    assert csv_check.ok and xlsx_check.ok, (csv_check.errors, xlsx_check.errors)
    assert csv_check.total == xlsx_check.total == Decimal("300000.00")


def test_a_totals_row_that_disagrees_with_the_rows_is_refused(books, prepare):
    draft, check = prepare(csv_file([(NIP_A, "Budi", "200000")], totals="250.000"))
    assert draft is None
    assert any("Baris 3, kolom JUMLAH" in e for e in check.errors), check.errors


def test_an_unknown_nip_with_a_name_creates_and_enrols_a_new_donor_and_the_preview_says_so(
    books, prepare
):
    data = csv_file([(NIP_A, "Budi Santoso", "200000"), (NIP_NEW, "Rina Handayani", "75.000")])
    draft, check = prepare(data)
    assert check.ok, check.errors
    assert draft.new_donor_count == 1
    flagged = [r for r in draft.preview["rows"] if r["new_donor"]]
    assert flagged[0]["nip"] == NIP_NEW and "Donatur baru" in flagged[0]["flags"][0]
    assert not Donor.objects.filter(nip=NIP_NEW).exists()  # only the preview so far

    booked = payroll_import_commit(payroll_import=draft, actor=books.manager)
    donor = Donor.objects.get(nip=NIP_NEW)
    assert (donor.name, donor.opd, donor.kind) == ("Rina Handayani", books.dinkes, "pns")
    # Once booked, the page still counts the donor it created, and the row says it was done.
    booked.refresh_from_db()
    assert booked.new_donor_count == 1
    flag = booked.contributions.get(donor=donor).flag
    assert "dibuat dan didaftarkan" in flag and "akan dibuat" not in flag
    enrolment = Enrolment.objects.get(donor=donor)
    assert (enrolment.monthly_amount, enrolment.start) == (Decimal("75000.00"), PERIOD)


def test_an_amount_that_differs_from_the_enrolment_is_flagged_not_refused(books, prepare):
    draft, check = prepare(csv_file([(NIP_A, "Budi Santoso", "250000")]))
    assert check.ok
    assert "Jumlah berbeda dari kepesertaan" in " ".join(draft.preview["rows"][0]["flags"])
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    assert "Jumlah berbeda" in imp.contributions.get().flag


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("19780515200501100", "NIP harus 18 angka"),
        ("197802302005011002", "Tanggal lahir dalam NIP (19780230) tidak ada"),
    ],
)
def test_a_wrong_nip_is_refused_with_row_column_and_reason(books, prepare, nip, message):
    draft, check = prepare(csv_file([(NIP_A, "Budi", "200000"), (nip, "Salah", "100000")]))
    assert draft is None
    assert check.errors == [f"Baris 3, kolom NIP: {check.errors[0].split(': ', 1)[1]}"]
    assert message in check.errors[0]
    _nothing_recorded()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-150.000", "tidak boleh negatif"),
        ("0", "tidak boleh nol"),
        ("seratus ribu", "bukan jumlah uang"),
        ("150,000.00", "format angka Inggris"),
    ],
)
def test_a_bad_amount_is_refused_with_row_column_and_reason(books, prepare, amount, message):
    draft, check = prepare(csv_file([(NIP_A, "Budi", amount)]))
    assert draft is None
    assert check.errors[0].startswith("Baris 2, kolom JUMLAH:")
    assert message in check.errors[0]
    _nothing_recorded()


def test_the_same_bad_amount_on_two_rows_is_reported_on_both_and_good_repeats_are_kept(
    books, prepare
):
    draft, check = prepare(
        csv_file(
            [
                (NIP_A, "Budi", "seratus ribu"),
                (NIP_B, "Sri", "100.000"),
                (NIP_C, "Agus", "seratus ribu"),
                (NIP_NEW, "Rina", "100.000"),
            ]
        )
    )
    assert draft is None
    assert [e.split(":")[0] for e in check.errors] == [
        "Baris 2, kolom JUMLAH",
        "Baris 4, kolom JUMLAH",
    ]
    assert [(r.row, r.amount) for r in check.rows] == [
        (3, Decimal("100000.00")),
        (5, Decimal("100000.00")),
    ]


def test_the_indonesian_spelling_with_sen_is_accepted(books, prepare):
    _, check = prepare(csv_file([(NIP_A, "Budi", "150.000,00")]))
    assert check.ok and check.total == Decimal("150000.00")


def test_a_nip_twice_in_one_file_is_refused_naming_both_rows(books, prepare):
    draft, check = prepare(csv_file([(NIP_A, "Budi", "200000"), (NIP_A, "Budi", "200000")]))
    assert draft is None
    assert check.errors == [f"Baris 3, kolom NIP: NIP {NIP_A} sudah ada di baris 2."]


def test_control_totals_that_do_not_match_the_transfer_slip_are_refused(books, prepare):
    draft, check = prepare(dinkes_march(), count=3, total="300000")
    assert draft is None and "tidak sama dengan jumlah pada slip" in check.errors[0]
    draft, check = prepare(dinkes_march(), count=2, total="299.000")
    assert draft is None and "tidak sama dengan total pada slip" in check.errors[0]
    _nothing_recorded()


def test_the_same_opd_and_month_twice_is_refused_with_a_link_to_the_first(books, prepare):
    first, _ = prepare(dinkes_march())
    first = payroll_import_commit(payroll_import=first, actor=books.manager)
    with pytest.raises(DonorError) as refused:
        prepare(csv_file([(NIP_B, "Sri Lestari", "100000")]))
    assert refused.value.link == f"/donatur/impor/{first.pk}/"
    assert Contribution.objects.count() == 2


def test_the_same_file_twice_is_refused(books, prepare):
    first, _ = prepare(dinkes_march())
    payroll_import_commit(payroll_import=first, actor=books.manager)
    with pytest.raises(DonorError, match="sudah dibukukan"):
        prepare(dinkes_march())
    assert Contribution.objects.count() == 2


def test_an_identical_file_for_another_month_is_allowed_but_the_preview_warns(books, prepare):
    first, _ = prepare(dinkes_march())
    payroll_import_commit(payroll_import=first, actor=books.manager)
    april, check = prepare(dinkes_march(), period=PERIOD.replace(month=4))
    assert april is not None
    assert "sama persis dengan berkas DINKES bulan 03/2025" in april.preview["warnings"][0]


def test_two_drafts_of_one_month_cannot_both_be_booked(books, prepare):
    one, _ = prepare(dinkes_march())
    two, _ = prepare(csv_file([(NIP_B, "Sri Lestari", "100000")]))
    payroll_import_commit(payroll_import=one, actor=books.manager)
    with pytest.raises(DonorError):
        payroll_import_commit(payroll_import=two, actor=books.manager)
    assert Contribution.objects.count() == 2


def test_booking_the_same_draft_twice_changes_nothing(books, prepare):
    draft, _ = prepare(dinkes_march())
    payroll_import_commit(payroll_import=draft, actor=books.manager)
    payroll_import_commit(payroll_import=draft, actor=books.manager)
    assert Contribution.objects.count() == 2 and Transaction.objects.count() == 1


def test_ten_megabytes_of_garbage_is_refused_with_a_clear_message(books, prepare):
    garbage = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    draft, check = prepare(garbage, filename="gaji.xlsx")
    assert draft is None
    assert "bukan CSV atau XLSX" in check.errors[0]
    _nothing_recorded()


def test_a_file_without_the_required_columns_says_which_are_missing(books, prepare):
    draft, check = prepare(csv_file([("x", "y")], header=("PEGAWAI", "NOMINAL")))
    assert draft is None
    assert "Kolom wajib tidak ditemukan: NIP, NAMA" in check.errors[0]


def test_a_failing_ledger_leaves_nothing_behind(books, prepare, monkeypatch):
    from donors import ledger

    draft, _ = prepare(csv_file([(NIP_A, "Budi", "200000"), (NIP_NEW, "Rina", "75000")]))

    def refuse(**kwargs):
        raise ledger.LedgerError("Periode sudah ditutup.")

    monkeypatch.setattr(ledger, "contribution_record", refuse)
    with pytest.raises(DonorError, match="Periode sudah ditutup"):
        payroll_import_commit(payroll_import=draft, actor=books.manager)
    assert not Donor.objects.filter(nip=NIP_NEW).exists()
    assert Contribution.objects.count() == 0 and Receipt.objects.count() == 0
    draft.refresh_from_db()
    assert draft.status == PayrollImport.Status.DRAFT


def test_reversing_a_booked_file_reverses_the_ledger_and_voids_every_receipt(books, prepare):
    from donors.services import payroll_import_reverse

    draft, _ = prepare(dinkes_march())
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    payroll_import_reverse(payroll_import=imp, reason="Berkas bulan salah", actor=books.manager)

    imp.refresh_from_db()
    assert imp.status == PayrollImport.Status.REVERSED
    assert fund_balance(fund=books.matra) == Decimal("0.00")
    assert Transaction.objects.count() == 2
    assert set(Receipt.objects.values_list("status", flat=True)) == {"void"}
    assert Receipt.objects.count() == 2  # never deleted
    # The month may now be imported again, correctly.
    again, check = prepare(csv_file([(NIP_A, "Budi", "200000")]))
    assert check.ok and again is not None


def test_a_contribution_row_of_a_file_cannot_be_reversed_alone(books, prepare):
    from donors.services import contribution_reverse

    draft, _ = prepare(dinkes_march())
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    with pytest.raises(DonorError, match="seluruh berkas"):
        contribution_reverse(
            contribution=imp.contributions.first(), reason="salah", actor=books.manager
        )


def test_a_file_large_enough_for_copy_books_every_row_with_its_own_receipt(books, prepare):
    # 600 rows: above donors.bulk.COPY_FROM, so PostgreSQL takes the COPY path.
    import datetime as dt

    nips = [
        f"{dt.date(1970, 1, 1) + dt.timedelta(days=i):%Y%m%d}199501{1 + i % 2}{i % 999 + 1:03d}"
        for i in range(600)
    ]
    data = csv_file([(nip, f"Pegawai {i}", f"{100 + i}.000") for i, nip in enumerate(nips)])
    draft, check = prepare(data)
    assert check.ok, check.errors[:3]
    imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    assert (
        imp.contributions.count() == 600 and Enrolment.objects.filter(start=PERIOD).count() == 600
    )
    pairs = Receipt.objects.filter(contribution__payroll_import=imp).values_list(
        "number", "contribution__donor__nip", "contribution__amount"
    )
    by_nip = {nip: (number, amount) for number, nip, amount in pairs}
    assert sorted(n for n, _ in by_nip.values()) == list(range(1, 601))
    assert by_nip[nips[10]][1] == Decimal("110000.00")
    assert all(c.created_at is not None for c in imp.contributions.all()[:5])
    # New donors are written as plain rows on that path: they must read back exactly
    # as the model would have made them.
    donor = Donor.objects.get(nip=nips[10])
    assert (donor.name, donor.opd, donor.kind, donor.position) == (
        "Pegawai 10",
        books.dinkes,
        Donor.Kind.CIVIL_SERVANT,
        Donor.Position.STAFF,
    )
    assert (donor.phone, donor.address, donor.display) == ("", "", Donor.Display.ANONYMOUS)
    assert donor.is_active and donor.created_at is not None and donor.merged_into is None
    assert (donor.rank, donor.job_title, donor.npwp, donor.email) == ("", "", "", "")


def test_booking_writes_the_rows_and_receipts_first_and_posts_the_ledger_last(books, prepare):
    """The ledger's locks are held only for the posting and the link (decision 49)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft, _ = prepare(dinkes_march(), count=2, total="300000")
    with CaptureQueriesContext(connection) as ctx:
        imp = payroll_import_commit(payroll_import=draft, actor=books.manager)
    sql = [q["sql"] for q in ctx.captured_queries]

    def first(text):
        return next(i for i, s in enumerate(sql) if text in s)

    contributions = first('INSERT INTO "donors_contribution"')
    receipts = first('INSERT INTO "donors_receipt"')
    accounts_locked = first("SELECT id, balance, committed, posting_count FROM funds_account")
    posted = first('INSERT INTO "funds_transaction"')
    assert contributions < receipts < accounts_locked < posted
    if connection.vendor == "postgresql":
        # The rows name the transaction's key taken beforehand; their other foreign keys
        # are checked before the ledger's locks, not at COMMIT.
        assert first("nextval(pg_get_serial_sequence('funds_transaction'") < contributions
        assert receipts < first("IMMEDIATE") < accounts_locked
        assert not any('UPDATE "donors_contribution"' in s for s in sql)
    else:
        # SQLite lets one writer in at a time: the rows are linked after the posting.
        assert posted < first('UPDATE "donors_contribution" SET "transaction_id"')
    assert {c.transaction_id for c in imp.contributions.all()} == {imp.transaction_id}
    assert imp.transaction_id is not None
    assert ledger_verify() == []


def test_a_gift_takes_its_receipt_number_before_the_ledger_locks(books):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from donors.models import Contribution, Donor
    from donors.services import gift_record

    donor = Donor.objects.create(kind="individual", name="Ibu Sri")
    with CaptureQueriesContext(connection) as ctx:
        gift = gift_record(
            donor=donor,
            fund=books.matra,
            location=books.bank,
            amount=Decimal("25000"),
            date=RECEIVED,
            channel=Contribution.Channel.INSTITUTION,
            actor=books.manager,
        )
    sql = [q["sql"] for q in ctx.captured_queries]
    counter = next(i for i, s in enumerate(sql) if "donors_receiptcounter" in s)
    accounts = next(i for i, s in enumerate(sql) if s.startswith("SELECT id, balance"))
    assert counter < accounts
    assert gift.transaction_id and gift.receipt.number == 1
