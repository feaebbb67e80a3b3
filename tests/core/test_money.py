from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import MoneyError, format_rupiah, parse_amount, terbilang, to_minor_units

amounts = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts)
def test_parsing_a_formatted_amount_gives_it_back(value):
    assert parse_amount(format_rupiah(value)) == value


@given(amounts)
def test_parsing_a_formatted_amount_with_sen_gives_it_back(value):
    assert parse_amount(format_rupiah(value, sen=True)) == value


@given(st.integers(min_value=1, max_value=10**12))
def test_plain_digits_and_dotted_groups_mean_the_same(value):
    dotted = f"{value:,}".replace(",", ".")
    assert parse_amount(str(value)) == parse_amount(dotted) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    [
        "1.500.000",
        "Rp1.500.000",
        "Rp 1.500.000,00",
        "1500000",
        "rp. 1.500.000",
        "IDR 1500000",
        "Rp1.500.000,-",
        " 1.500.000 ",
    ],
)
def test_it_accepts_every_usual_spelling(text):
    assert parse_amount(text) == Decimal("1500000.00")


def test_it_reads_sen_after_a_comma():
    assert parse_amount("150.000,50") == Decimal("150000.50")


def test_it_reads_a_machine_export_with_a_decimal_point():
    assert parse_amount("150000.00") == Decimal("150000.00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("150,000.00", "format angka Inggris"),
        ("abc", "bukan jumlah uang"),
        ("1.50.000", "bukan jumlah uang"),
        ("", "kosong"),
        ("-150.000", "negatif"),
        ("0", "nol"),
        ("Rp0,00", "nol"),
        ("1.500.000,123", "bukan jumlah uang"),
        ("12e5", "bukan jumlah uang"),
    ],
)
def test_it_refuses_what_is_not_an_amount_and_says_why(text, message):
    with pytest.raises(MoneyError, match=message):
        parse_amount(text)


def test_it_takes_spreadsheet_numbers_exactly():
    assert parse_amount(150000.0) == Decimal("150000.00")
    assert parse_amount(Decimal("1.5")) == Decimal("1.50")
    with pytest.raises(MoneyError):
        parse_amount(Decimal("1.005"))
    with pytest.raises(MoneyError):
        parse_amount(float("nan"))


def test_it_allows_negative_amounts_only_when_asked():
    assert parse_amount("-Rp1.000", allow_negative=True) == Decimal("-1000")


def test_it_formats_as_puebi_prescribes():
    assert format_rupiah(Decimal("1500000")) == "Rp1.500.000"
    assert format_rupiah(Decimal("1500000"), sen=True) == "Rp1.500.000,00"
    assert format_rupiah(Decimal("95265504")) == "Rp95.265.504"
    assert format_rupiah(Decimal("-5000")) == "-Rp5.000"
    assert format_rupiah(Decimal("0.5")) == "Rp0,50"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (1, "satu rupiah"),
        (11, "sebelas rupiah"),
        (15, "lima belas rupiah"),
        (100, "seratus rupiah"),
        (1000, "seribu rupiah"),
        (150000, "seratus lima puluh ribu rupiah"),
        (1500000, "satu juta lima ratus ribu rupiah"),
        (5000000, "lima juta rupiah"),
        (
            202615628,
            "dua ratus dua juta enam ratus lima belas ribu enam ratus dua puluh delapan rupiah",
        ),
        (1000000000, "satu miliar rupiah"),
        (Decimal("10.50"), "sepuluh rupiah lima puluh sen"),
    ],
)
def test_it_spells_amounts_out_in_indonesian(value, words):
    assert terbilang(value) == words


def test_gateway_minor_units_are_sen():
    assert to_minor_units(Decimal("150000")) == 15_000_000
