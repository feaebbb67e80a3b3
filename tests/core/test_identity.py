import datetime as dt

import pytest

from core.identity import IdentityError, parse_nik, parse_nip, validate_kk


def test_a_mans_nik_gives_his_birth_date_and_region():
    info = parse_nik("3314010101800001")
    assert info.region_code == "331401"
    assert info.birth_date == dt.date(1980, 1, 1)
    assert info.sex == "L"


def test_a_womans_birth_day_has_forty_added():
    info = parse_nik("3314014101800002")
    assert info.birth_date == dt.date(1980, 1, 1)
    assert info.sex == "P"


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("331401010180001", "16 angka"),
        ("33140101018000011", "16 angka"),
        ("3314013202800001", "tidak ada"),  # 32 February? day 32 is neither man nor woman
        ("3314013102800001", "tidak ada"),  # 31 February
        ("3314017201800001", "tidak ada"),  # woman, day 32
        ("3314010101800000", "0000"),
        ("0014010101800001", "wilayah"),
        ("33140101018000a1", "16 angka"),
        ("", "kosong"),
    ],
)
def test_it_refuses_impossible_niks(nik, reason):
    with pytest.raises(IdentityError, match=reason):
        parse_nik(nik)


def test_a_nik_read_as_a_number_by_a_spreadsheet_is_explained():
    with pytest.raises(IdentityError, match="ilmiah"):
        parse_nik("3.31401E+15")


def test_kk_numbers_are_checked_like_niks():
    assert validate_kk("3314011203150004") == "3314011203150004"
    for bad in ("331401120315000", "3314013002150004", "3314011203150000"):
        with pytest.raises(IdentityError):
            validate_kk(bad)


def test_a_nip_gives_birth_date_appointment_and_sex():
    info = parse_nip("198003142006042012")
    assert info.birth_date == dt.date(1980, 3, 14)
    assert info.appointed == (2006, 4)
    assert info.sex == "P"


@pytest.mark.parametrize(
    "nip",
    [
        "19800314200604201",
        "198002302006042012",
        "198003142006132012",
        "198003142006043012",
        "198003142006042000",
        "198003141990042012",
    ],
)
def test_it_refuses_impossible_nips(nip):
    with pytest.raises(IdentityError):
        parse_nip(nip)
