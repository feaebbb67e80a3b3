"""The statements PDF carries a cash-flow statement and notes that reconcile to the ledger."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from core.organisation import get_organisation
from core.roles import Role
from funds.documents import statements_pdf
from funds.errors import LedgerError
from funds.models import ZERO
from funds.services import (
    commitment_open,
    contribution_record,
    gateway_charge_record,
    money_move,
    payment_record,
    statement_sign,
    transaction_reverse,
    transfer_record,
)
from funds.statements import cash_flow_for_period, statement_notes, statements_for_period

EXAMPLES = 8 if connection.vendor == "sqlite" else 15
H1 = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
H2 = (dt.date(2024, 7, 1), dt.date(2024, 12, 31))

operation = st.tuples(
    st.sampled_from(["give", "give", "pay", "transfer", "move", "fee", "reverse"]),
    st.integers(min_value=1, max_value=12),  # month of 2024
    st.integers(min_value=1, max_value=28),  # day
    st.integers(min_value=1, max_value=5_000_000),  # rupiah
    st.integers(min_value=0, max_value=2),  # which fund
    st.booleans(),  # bank or cash box
)


def _apply(ops, ledger):
    funds = [ledger.matra, ledger.infak, ledger.csr]
    done = []
    for kind, month, day, amount, which, in_bank in ops:
        date, fund, amount = dt.date(2024, month, day), funds[which], Decimal(amount)
        here, there = (ledger.bank, ledger.kas) if in_bank else (ledger.kas, ledger.bank)
        try:
            with transaction.atomic():
                if kind == "give":
                    done.append(
                        contribution_record(
                            fund=fund,
                            location=here,
                            amount=amount,
                            date=date,
                            description="Sumbangan",
                            reference=None,
                            actor=ledger.manager,
                        )
                    )
                elif kind == "pay":
                    done.append(
                        payment_record(
                            fund=fund,
                            location=here,
                            amount=amount,
                            date=date,
                            description="Bantuan",
                            reference=None,
                            actor=ledger.treasurer,
                            programme="rtlh",
                            area="33.14.09.2001",
                        )
                    )
                elif kind == "transfer":
                    transfer_record(
                        source=ledger.matra,
                        target=ledger.infak,
                        amount=amount,
                        date=date,
                        description="Pindah dana",
                        actor=ledger.treasurer,
                    )
                elif kind == "move":
                    money_move(
                        source=here,
                        target=there,
                        amount=amount,
                        fee=Decimal(6500),
                        fee_fund=ledger.matra,
                        date=date,
                        description="Setor kas ke bank",
                        actor=ledger.treasurer,
                    )
                elif kind == "fee":
                    gateway_charge_record(
                        fund=fund,
                        location=here,
                        amount=Decimal(amount % 10_000 + 1),
                        date=date,
                        description="Biaya bank",
                        reference=None,
                        actor=ledger.treasurer,
                    )
                elif done:
                    transaction_reverse(
                        transaction=done.pop(0),
                        reason="Salah catat",
                        actor=ledger.treasurer,
                        date=date,
                    )
        except LedgerError:
            pass  # refused (not enough money): the ledger is unchanged


def _rupiah(text: str) -> Decimal:
    negative = text.startswith("(") or text.startswith("-")
    digits = text.strip("()-").removeprefix("Rp").replace(".", "").replace(",", ".")
    value = Decimal(digits)
    return -value if negative else value


def _printed(text: str, label: str) -> Decimal:
    found = re.search(re.escape(label) + r"\s*\n?\s*(\(?-?Rp[\d.,]+\)?)", text)
    assert found, f"{label!r} not printed"
    return _rupiah(found.group(1))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _render(figures, cash) -> str:
    return _pdf_text(
        statements_pdf(
            figures=figures,
            cash=cash,
            notes=statement_notes(figures=figures, cash=cash, today=dt.date(2025, 1, 31)),
            org=get_organisation(),
            signed="BELUM DISAHKAN",
            closed_heads=[],
            check_url="https://kenanga.test/transparansi/dokumen/?number=x",
        )
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(operation, min_size=1, max_size=16))
def test_the_printed_cash_flows_of_a_random_ledger_equal_its_movements(ledger, ops):
    with transaction.atomic():
        _apply(ops, ledger)
        closing_of_h1 = None
        for date_from, date_to in (H1, H2):
            figures = statements_for_period(date_from=date_from, date_to=date_to)
            cash = cash_flow_for_period(date_from=date_from, date_to=date_to)
            assert cash.reconciles
            # Cash in and out equal what the funds received and spent.
            assert cash.total_receipts == sum((r.receipts for r in figures.funds), ZERO)
            assert cash.total_payments == sum((r.spending for r in figures.funds), ZERO)
            # Opening plus the flows is the closing, per location and in total.
            assert cash.opening + cash.net_change == cash.closing
            by_code = {row.code: row for row in figures.locations}
            for location in cash.locations:
                assert location.opening == by_code[location.code].opening
                assert location.closing == by_code[location.code].closing
            assert cash.closing == figures.net_assets.closing == figures.assets.closing
            if closing_of_h1 is not None:
                assert cash.opening == closing_of_h1
            closing_of_h1 = cash.closing

            text = _render(figures, cash)
            assert _printed(text, "Jumlah penerimaan kas") == cash.total_receipts
            assert _printed(text, "Jumlah pengeluaran kas") == -cash.total_payments
            assert _printed(text, "Kas awal periode") == cash.opening
            assert _printed(text, "Kas akhir periode") == cash.closing
            assert _printed(text, "Kenaikan (penurunan) kas bersih") == cash.net_change
            assert cash.opening + cash.net_change == _printed(text, "Kas akhir periode")
        # The year's end is the locations' running balances: the ledger itself.
        ledger.bank.account.refresh_from_db()
        ledger.kas.account.refresh_from_db()
        assert closing_of_h1 == ledger.bank.account.balance + ledger.kas.account.balance
        transaction.set_rollback(True)


def test_receipts_are_named_by_source_and_payments_by_programme(ledger, give):
    give(ledger.matra, "300000", date=dt.date(2024, 3, 1))
    payment_record(
        fund=ledger.matra,
        location=ledger.bank,
        amount=Decimal("100000"),
        date=dt.date(2024, 3, 2),
        description="Bantuan",
        reference=None,
        actor=ledger.treasurer,
        programme="rtlh",
        area="33.14.09.2001",
    )
    cash = cash_flow_for_period(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
    assert cash.receipts == [("Penerimaan lain", Decimal("300000"))]
    assert len(cash.payments) == 1
    label, amount = cash.payments[0]
    assert label.startswith("Penyaluran: ") and amount == Decimal("100000")


def test_a_signed_version_shows_the_cash_flows_it_covered(ledger, give):
    give(ledger.matra, "300000", date=dt.date(2024, 3, 1))
    signoff = statement_sign(
        date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31), actor=ledger.head
    )
    give(ledger.matra, "50000", date=dt.date(2024, 3, 9))  # booked late, after signing
    signed = cash_flow_for_period(
        date_from=dt.date(2024, 3, 1),
        date_to=dt.date(2024, 3, 31),
        up_to_sequence=signoff.last_sequence,
    )
    now = cash_flow_for_period(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
    assert signed.total_receipts == Decimal("300000")
    assert now.total_receipts == Decimal("350000")


def test_the_notes_describe_funds_locations_commitments_and_later_events(ledger, give):
    give(ledger.csr, "900000", date=dt.date(2024, 3, 1))
    give(ledger.matra, "100000", date=dt.date(2024, 4, 2))  # after the period
    commitment_open(
        fund=ledger.csr,
        amount=Decimal("250000"),
        reference=None,
        programme="rtlh",
        area="33.14.09.2001",
        actor=ledger.treasurer,
    )
    figures = statements_for_period(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
    cash = cash_flow_for_period(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
    text = _render(figures, cash)
    flat = " ".join(text.split())
    assert "Catatan atas laporan keuangan" in flat
    assert "Dasar penyusunan" in flat and "ISAK 35" in flat
    assert "CSR RTLH Kecamatan Sambirejo" in flat and "Dibatasi pemberi" in flat
    assert "Bank Jateng" in flat and "Kas tunai" in flat
    assert "Rp250.000" in flat  # the open commitment
    assert "Kejadian setelah periode pelaporan" in flat and "Rp100.000" in flat


def test_there_is_no_later_events_note_when_nothing_happened_after(ledger, give):
    give(ledger.matra, "100000", date=dt.date(2024, 3, 1))
    figures = statements_for_period(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
    cash = cash_flow_for_period(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31))
    titles = [n.title for n in statement_notes(figures=figures, cash=cash)]
    assert "Kejadian setelah periode pelaporan" not in titles
    assert titles[0] == "Dasar penyusunan"


@pytest.mark.parametrize("signed", [False, True])
def test_the_qr_address_opens_for_anyone_and_says_whether_the_figures_were_signed(
    settings, ledger, give, personas, login, client, signed
):
    settings.SITE_URL = "https://kenanga.sragenkab.go.id"
    give(ledger.matra, "100000", date=dt.date(2024, 3, 1))
    if signed:
        statement_sign(
            date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31), actor=ledger.head
        )
    response = login(personas[Role.HEAD]).get(
        reverse("funds:statements_pdf"), {"date_from": "2024-03-01", "date_to": "2024-03-31"}
    )
    assert response.status_code == 200
    flat = "".join(_pdf_text(response.content).split())
    found = re.search(r"https://kenanga\.sragenkab\.go\.id(/[^\s]*?number=[0-9a-f]{64})", flat)
    assert found, "the check address is printed under the QR code"
    path = found.group(1)
    assert "/akun/" not in path and "/dana/" not in path
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    if signed:
        assert "Dokumen ini tercatat dan sah." in body
    else:
        assert "Nomor ini tidak kami kenal." in body


def test_every_pdf_download_is_named_with_one_pdf(ledger, give, personas, login):
    give(ledger.matra, "100000", date=dt.date(2024, 3, 1))
    response = login(personas[Role.HEAD]).get(
        reverse("funds:statements_pdf"), {"date_from": "2024-03-01", "date_to": "2024-03-31"}
    )
    assert response["Content-Disposition"] == (
        'inline; filename="laporan-keuangan-2024-03-01-2024-03-31.pdf"'
    )
