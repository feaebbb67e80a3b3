"""Logs mask every identity number, and never a number that only looks long."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import assume, given
from hypothesis import strategies as st

from core.identity import (
    IdentityError,
    _two_digit_year,
    kk_shaped,
    nik_shaped,
    nip_shaped,
    parse_nik,
    parse_nip,
    validate_kk,
)
from core.logging import scrub

MASK = "[nomor-identitas]"


@st.composite
def _ddmmyy(draw, *, female: bool = False) -> str:
    yy = draw(st.integers(0, 99))
    year = _two_digit_year(yy)
    month = draw(st.integers(1, 12))
    last = ((dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)).day
    day = draw(st.integers(1, last)) + (40 if female else 0)
    return f"{day:02d}{month:02d}{yy:02d}"


@st.composite
def niks(draw) -> str:
    region = "".join(f"{draw(st.integers(1, 99)):02d}" for _ in range(3))
    serial = f"{draw(st.integers(1, 9999)):04d}"
    return region + draw(_ddmmyy(female=draw(st.booleans()))) + serial


@st.composite
def kks(draw) -> str:
    region = f"{draw(st.integers(1, 99)):02d}{draw(st.integers(1, 99)):02d}"
    region += f"{draw(st.integers(0, 99)):02d}"  # the district may be 00 on a KK
    return region + draw(_ddmmyy()) + f"{draw(st.integers(1, 9999)):04d}"


@st.composite
def nips(draw) -> str:
    birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)))
    appointed = draw(st.integers(birth.year + 15, 2099))
    month = draw(st.integers(1, 12))
    sex = draw(st.sampled_from("12"))
    serial = draw(st.integers(1, 999))
    return f"{birth:%Y%m%d}{appointed}{month:02d}{sex}{serial:03d}"


@st.composite
def written(draw, number: str) -> str:
    """Write a number as people do: plain, in groups with spaces, or with dots."""
    form = draw(st.sampled_from(["plain", "spaces", "dots"]))
    if form == "plain":
        return number
    # Dots need two at least: with one, digits are a decimal number, not an identity.
    cuts = draw(
        st.lists(
            st.integers(1, len(number) - 1),
            min_size=2 if form == "dots" else 1,
            max_size=6,
            unique=True,
        )
    )
    bounds = [0, *sorted(cuts), len(number)]
    return (" " if form == "spaces" else ".").join(
        number[a:b] for a, b in zip(bounds, bounds[1:], strict=False)
    )


def _stands_alone(before: str, after: str) -> bool:
    # A digit right beside it makes a longer number; a lone dot and digits beside
    # it make a decimal number: both are other numbers, not this identity number.
    return not re.search(r"\d\.?$", before) and not re.match(r"\.?\d", after)


@given(
    number=st.one_of(niks(), kks(), nips()).flatmap(lambda n: st.tuples(st.just(n), written(n))),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
)
def test_any_identity_number_in_any_text_is_masked(number, before, after):
    digits, form = number
    assume(_stands_alone(before, after))
    assume(form not in before + after and digits not in before + after)
    cleaned = scrub(before + form + after)
    assert form not in cleaned and digits not in cleaned
    # Glued to an "@" the number may be masked as part of an e-mail address instead.
    assert MASK in cleaned or "[email]" in cleaned


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.integers(1, 18))
def test_celery_run_times_and_other_durations_are_left_alone(seconds, places):
    for text in (
        f"Task donors.send_instalment_reminders[4c1e7a2b-9d3f-4a51-8e6b-2f0c9d1a7b35] "
        f"succeeded in {seconds!r}s: 3",
        f"selesai dalam {seconds:.{places}f} detik",
        f"durasi={seconds:.{places}f}s",
    ):
        assert scrub(text) == text


def test_the_run_time_that_was_masked_is_kept():
    text = "Task core.tasks.sessions_clear[ab] succeeded in 0.0123456789012345s: '0 sesi'"
    assert scrub(text) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_float_is_left_alone(value):
    for text in (f"nilai {value!r}", f"nilai {value:f}", f"{value:.20f} rupiah"):
        assert scrub(text) == text


@given(st.integers(0, 10**10 - 1), st.integers(0, 10**10 - 1), st.integers(0, 10**9 - 1))
def test_ids_in_url_paths_up_to_ten_digits_are_left_alone(first, second, size):
    # Up to ten digits: eleven digits and more that begin with 628 have a mobile number's
    # shape (+62 8…) and are masked wherever they stand (the next test); a regency's row
    # ids stay far below that. The response size stays under ten digits: "200
    # 6024101000001" is, rightly, a NIK written in two groups, and is masked.
    text = f'"GET /rumah-tangga/{first}/kunjungan/{second}/ HTTP/1.1" 200 {size}'
    assert scrub(text) == text


def test_a_number_shaped_like_a_mobile_number_is_masked_even_in_a_path():
    text = '"GET /rumah-tangga/0/kunjungan/62800000000/ HTTP/1.1" 200 0'
    assert "62800000000" not in scrub(text) and "[telepon]" in scrub(text)


def test_a_nik_split_after_three_digits_is_masked():
    assert "6024101000001" not in scrub('"GET / HTTP/1.1" 200 6024101000001')


def test_two_ids_side_by_side_are_not_taken_for_one_identity_number():
    assert scrub("baris 12345678 90123456") == "baris 12345678 90123456"
    assert scrub("versi 1.2 dan 33.14.01.120385.0001") == f"versi 1.2 dan {MASK}"


def test_an_unbroken_run_of_sixteen_digits_is_masked_even_when_mistyped():
    # 32 March does not exist, but a NIK one digit off is still someone's NIK.
    assert scrub("NIK 3314013203850001 ditolak") == f"NIK {MASK} ditolak"


@given(st.text(alphabet="0123456789", min_size=16, max_size=16) | niks() | kks())
def test_the_log_shape_checks_agree_with_the_parsers_for_sixteen_digits(digits):
    def accepted(parse) -> bool:
        try:
            parse(digits)
        except IdentityError:
            return False
        return True

    assert nik_shaped(digits) == accepted(parse_nik)
    assert kk_shaped(digits) == accepted(validate_kk)


@given(st.text(alphabet="0123456789", min_size=18, max_size=18) | nips())
def test_the_log_shape_check_agrees_with_the_parser_for_eighteen_digits(digits):
    try:
        parse_nip(digits)
        accepted = True
    except IdentityError:
        accepted = False
    assert nip_shaped(digits) == accepted
