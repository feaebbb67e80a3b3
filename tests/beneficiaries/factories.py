"""Incidental data for the household tests (valid Sragen NIKs and KK numbers)."""

from __future__ import annotations

import datetime as dt
import itertools

from beneficiaries.models import Household, ListSource, Membership, Person
from beneficiaries.services import kk_hash, nik_hash

VILLAGE = "33.14.01.2001"  # Keden, Kalijambe, Sragen
_serial = itertools.count(1)


def nik(day: int = 12, month: int = 3, year: int = 85, *, female: bool = False) -> str:
    """Return a fresh valid Sragen NIK."""
    return f"331401{day + (40 if female else 0):02d}{month:02d}{year:02d}{next(_serial):04d}"


def kk() -> str:
    return f"3314011503{10:02d}{next(_serial):04d}"


def household(*, listed: bool = False, members: int = 1, village: str = VILLAGE) -> Household:
    """Create a household with a head (and more members) directly, as an import would."""
    number = kk()
    home = Household.objects.create(
        kk_number=number,
        kk_hash=kk_hash(number),
        village_id=village,
        street_address="Dukuh Keden RT 02",
        rt="002",
        rw="001",
        phone="081234567890",
        list_source=ListSource.DTKS if listed else "",
        list_as_of=dt.date(2025, 6, 30) if listed else None,
        decile=2 if listed else None,
    )
    for index in range(members):
        number = nik()
        person = Person.objects.create(
            nik=number,
            nik_hash=nik_hash(number),
            name=f"Warga {index + 1}",
            sex="L",
            birth_date=dt.date(1985, 3, 12),
            health_notes="hipertensi" if index == 0 else "",
        )
        Membership.objects.create(
            household=home,
            person=person,
            relation=Membership.Relation.HEAD if index == 0 else Membership.Relation.CHILD,
            started_on=dt.date(2025, 1, 1),
        )
    return home
