import datetime as dt
from decimal import Decimal

import pytest

from core.exports import xlsx_bytes
from funds.errors import LedgerError
from funds.models import ReconciliationMatch
from funds.reconciliation import (
    reconciliation_auto_match,
    reconciliation_match,
    statement_import,
    statement_parse,
)

D = Decimal


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # BRI/Bank Jateng style: `;`, Indonesian numbers, separate debit and credit columns.
        (
            b"Tanggal;Uraian;Debet;Kredit\n05/05/2025;Setoran;;1.500.000,00\n"
            b"06/05/2025;Biaya;5.000,00;\n",
            [D("1500000"), D("-5000")],
        ),
        # BCA style: one MUTASI column with a CR/DB suffix and English grouping.
        (
            b'Tanggal Transaksi,Keterangan,Mutasi\n05/05/2025,TRSF E-BANKING,"1,500,000.00 CR"\n'
            b'06/05/2025,BIAYA ADM,"5,000.00 DB"\n',
            [D("1500000"), D("-5000")],
        ),
        # A signed amount with a separate DB/CR column.
        (
            b"TGL;KETERANGAN;JUMLAH;DB/CR\n5/5/25;a;250.000;K\n6/5/25;b;-10.000;\n",
            [D("250000"), D("-10000")],
        ),
    ],
)
def test_the_layouts_indonesian_banks_export_are_read(data, expected):
    parsed = statement_parse(data=data, filename="rekening.csv")
    assert parsed.errors == []
    assert [line.amount for line in parsed.lines] == expected
    assert parsed.lines[0].date == dt.date(2025, 5, 5)


def test_an_xlsx_statement_is_read():
    data = xlsx_bytes(
        ["Tanggal", "Keterangan", "Debet", "Kredit"], [["05/05/2025", "x", "", "1.000"]]
    )
    parsed = statement_parse(data=data, filename="rekening.xlsx")
    assert [line.amount for line in parsed.lines] == [D("1000")]


def test_a_statement_without_amount_columns_or_with_both_sides_filled_is_refused(db):
    parsed = statement_parse(data=b"Tanggal;Keterangan\n05/05/2025;x\n", filename="a.csv")
    assert "DEBET dan KREDIT" in str(parsed.errors[0])
    parsed = statement_parse(
        data=b"Tanggal;Keterangan;Debet;Kredit\n05/05/2025;x;1.000;2.000\n", filename="a.csv"
    )
    assert "keduanya" in str(parsed.errors[0])
    with pytest.raises(LedgerError):
        statement_import(location=None, data=b"", filename="a.csv", actor=None)


def test_auto_matching_prefers_the_reference_and_leaves_ties_to_the_treasurer(ledger, give):
    first = give(ledger.matra, "100000", date=dt.date(2025, 5, 5))
    second = give(ledger.matra, "100000", date=dt.date(2025, 5, 5))
    give(ledger.matra, "70000", date=dt.date(2025, 5, 5))
    give(ledger.matra, "70000", date=dt.date(2025, 5, 5))
    statement = statement_import(
        location=ledger.bank,
        data=(
            f"Tanggal;Keterangan;Referensi;Jumlah\n06/05/2025;setoran;#{second.sequence};100.000\n"
            "06/05/2025;setoran;;70.000\n20/05/2025;jauh;;100.000\n"
        ).encode(),
        filename="s.csv",
        actor=None,
    )
    assert reconciliation_auto_match(statement=statement, actor=None) == 1
    match = ReconciliationMatch.objects.get()
    assert match.posting.transaction == second and match.method == "auto"
    assert first.postings.filter(match__isnull=False).count() == 0
    # Running it again matches nothing more and never matches a line twice.
    assert reconciliation_auto_match(statement=statement, actor=None) == 0


def test_a_match_must_be_the_same_amount_on_the_same_bank(ledger, give):
    txn = give(ledger.matra, "100000", location=ledger.kas)
    statement = statement_import(
        location=ledger.bank,
        data=b"Tanggal;Keterangan;Jumlah\n06/05/2025;x;100.000\n07/05/2025;y;99.000\n",
        filename="s.csv",
        actor=None,
    )
    line, other = statement.lines.order_by("row")
    with pytest.raises(LedgerError, match="bukan milik"):
        reconciliation_match(
            line=line, posting=txn.postings.get(account__location=ledger.kas), actor=None
        )
    bank_txn = give(ledger.matra, "100000")
    posting = bank_txn.postings.get(account__location=ledger.bank)
    with pytest.raises(LedgerError, match="berbeda"):
        reconciliation_match(line=other, posting=posting, actor=None)
    reconciliation_match(line=line, posting=posting, actor=None)
    with pytest.raises(LedgerError, match="sudah dicocokkan"):
        reconciliation_match(line=line, posting=posting, actor=None)


def test_the_database_refuses_a_second_match_of_the_same_posting(ledger, give):
    from django.db import IntegrityError, transaction

    txn = give(ledger.matra, "100000")
    statement = statement_import(
        location=ledger.bank,
        data=b"Tanggal;Keterangan;Jumlah\n06/05/2025;x;100.000\n06/05/2025;y;100.000\n",
        filename="s.csv",
        actor=None,
    )
    first, second = statement.lines.all()
    posting = txn.postings.get(account__location=ledger.bank)
    ReconciliationMatch.objects.create(line=first, posting=posting, method="manual")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconciliationMatch.objects.create(line=second, posting=posting, method="manual")
