"""Indonesian identity numbers: NIK, KK number, NIP (domain.md, "Rules of law")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_DIGITS16 = re.compile(r"^\d{16}$")
_DIGITS18 = re.compile(r"^\d{18}$")


class IdentityError(ValueError):
    """An identity number that cannot be right; the message says why."""


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_code: str  # 6 digits: province, regency, district of first issue
    birth_date: dt.date
    sex: str  # "L" or "P"
    serial: str


def _clean(value: str | int | None) -> str:
    if value is None:
        return ""
    text = str(value).strip().replace(" ", "").replace(".", "").replace("-", "")
    if text.startswith("'"):  # spreadsheets keep long numbers as text this way
        text = text[1:]
    return text


def _two_digit_year(yy: int, *, today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    year = 2000 + yy
    return year if year <= today.year else 1900 + yy


def parse_nik(value: str | int | None, *, today: dt.date | None = None) -> NikInfo:
    """Validate a NIK and return what it encodes; raise IdentityError otherwise."""
    nik = _clean(value)
    if not nik:
        raise IdentityError(_("NIK kosong."))
    if "E" in nik.upper() and not nik.isdigit():
        raise IdentityError(
            _("NIK terbaca sebagai angka ilmiah (%(v)s): simpan kolom NIK sebagai teks.")
            % {"v": nik}
        )
    if not _DIGITS16.match(nik):
        raise IdentityError(_("NIK harus 16 angka, tertulis %(n)d karakter.") % {"n": len(nik)})
    if nik[:2] == "00" or nik[2:4] == "00" or nik[4:6] == "00":
        raise IdentityError(_("Kode wilayah NIK (%(code)s) tidak mungkin.") % {"code": nik[:6]})
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day, sex = day - 40, "P"
    try:
        birth = dt.date(_two_digit_year(yy, today=today), month, day)
    except ValueError:
        raise IdentityError(
            _("Tanggal lahir dalam NIK (%(ddmmyy)s) tidak ada.") % {"ddmmyy": nik[6:12]}
        ) from None
    if nik[12:] == "0000":
        raise IdentityError(_("Nomor urut NIK tidak boleh 0000."))
    return NikInfo(nik=nik, region_code=nik[:6], birth_date=birth, sex=sex, serial=nik[12:])


def validate_kk(value: str | int | None) -> str:
    """Validate a family-card (KK) number and return it cleaned."""
    kk = _clean(value)
    if not kk:
        raise IdentityError(_("Nomor KK kosong."))
    if not _DIGITS16.match(kk):
        raise IdentityError(_("Nomor KK harus 16 angka, tertulis %(n)d karakter.") % {"n": len(kk)})
    if kk[:2] == "00" or kk[2:4] == "00":
        raise IdentityError(_("Kode wilayah nomor KK (%(code)s) tidak mungkin.") % {"code": kk[:6]})
    day, month, yy = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    try:
        dt.date(_two_digit_year(yy), month, day)
    except ValueError:
        raise IdentityError(
            _("Tanggal terbit dalam nomor KK (%(ddmmyy)s) tidak ada.") % {"ddmmyy": kk[6:12]}
        ) from None
    if kk[12:] == "0000":
        raise IdentityError(_("Nomor urut KK tidak boleh 0000."))
    return kk


@dataclass(frozen=True)
class NipInfo:
    nip: str
    birth_date: dt.date
    appointed: tuple[int, int]  # (year, month)
    sex: str  # "L" or "P"
    serial: str


def parse_nip(value: str | int | None) -> NipInfo:
    """Validate an 18-digit civil-servant number (NIP) and return what it encodes."""
    nip = _clean(value)
    if not nip:
        raise IdentityError(_("NIP kosong."))
    if not _DIGITS18.match(nip):
        raise IdentityError(_("NIP harus 18 angka, tertulis %(n)d karakter.") % {"n": len(nip)})
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise IdentityError(
            _("Tanggal lahir dalam NIP (%(d)s) tidak ada.") % {"d": nip[0:8]}
        ) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < birth.year + 15:
        raise IdentityError(
            _("Bulan pengangkatan dalam NIP (%(d)s) tidak mungkin.") % {"d": nip[8:14]}
        )
    if nip[14] not in "12":
        raise IdentityError(
            _("Digit jenis kelamin NIP harus 1 atau 2, tertulis %(d)s.") % {"d": nip[14]}
        )
    if nip[15:] == "000":
        raise IdentityError(_("Nomor urut NIP tidak boleh 000."))
    return NipInfo(
        nip=nip,
        birth_date=birth,
        appointed=(year, month),
        sex="L" if nip[14] == "1" else "P",
        serial=nip[15:],
    )


# --- Shape checks without messages -----------------------------------------------
# The log scrubber (core/logging.py) asks whether digits could be an identity number
# for every log line, possibly before translations are loaded: these answer yes or no
# by the same rules as the parsers above, without building a message.
def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def nik_shaped(digits: str) -> bool:
    """Tell whether `digits` would pass parse_nik."""
    if not _DIGITS16.match(digits) or "00" in (digits[:2], digits[2:4], digits[4:6]):
        return False
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    day = day - 40 if day > 40 else day
    return _date_ok(_two_digit_year(yy), month, day) and digits[12:] != "0000"


def kk_shaped(digits: str) -> bool:
    """Tell whether `digits` would pass validate_kk."""
    if not _DIGITS16.match(digits) or "00" in (digits[:2], digits[2:4]):
        return False
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    return _date_ok(_two_digit_year(yy), month, day) and digits[12:] != "0000"


def nip_shaped(digits: str) -> bool:
    """Tell whether `digits` would pass parse_nip."""
    if not _DIGITS18.match(digits):
        return False
    birth_year = int(digits[0:4])
    if not _date_ok(birth_year, int(digits[4:6]), int(digits[6:8])):
        return False
    year, month = int(digits[8:12]), int(digits[12:14])
    return (
        1 <= month <= 12 and year >= birth_year + 15 and digits[14] in "12" and digits[15:] != "000"
    )
