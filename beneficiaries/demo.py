"""Demo households across the kecamatan of Sragen (33.14): python manage.py seed_demo.

About 200 households: 140 from a DTKS extract (imported through the real
pipeline), 60 registered at the desk; some visits pending, some decided, a
few cards about to expire, one complaint overdue. Running it twice changes
nothing: it stops when its extract is already imported.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from beneficiaries.models import (
    Basis,
    CriteriaSet,
    Grade,
    ImportBatch,
    Region,
    Registration,
)
from beneficiaries.national_list import national_list_commit, parse_national_list
from beneficiaries.regions import load_regions
from beneficiaries.services import (
    card_issue,
    complaint_file,
    household_register,
    registration_decide,
    visit_submit,
)
from core.models import User

DEMO_EXTRACT = "demo-dtks-sragen.csv"
MEN = ["Sukiman", "Paiman", "Sarno", "Wagimin", "Suparno", "Tukiyo", "Slamet", "Warsito", "Sugeng"]
WOMEN = ["Sumiyati", "Painem", "Tumini", "Sarmi", "Wartini", "Suyatmi", "Ngatini", "Parmi"]
CHILDREN = ["Bayu", "Dwi", "Eko", "Fitri", "Galih", "Indah", "Joko", "Rina", "Sri", "Tri"]


def _nik(rng: random.Random, district: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district.replace('.', '')}{day:02d}{birth:%m%y}{serial:04d}"


def _family(rng: random.Random, district: str, serial: int) -> list[tuple]:
    head_birth = dt.date(rng.randint(1955, 1990), rng.randint(1, 12), rng.randint(1, 28))
    members = [("1", rng.choice(MEN), "L", head_birth)]
    if rng.random() < 0.8:
        wife = head_birth + dt.timedelta(days=rng.randint(300, 1500))
        members.append(("2", rng.choice(WOMEN), "P", wife))
    for _ in range(rng.randint(0, 3)):
        born = dt.date(rng.randint(2005, 2022), rng.randint(1, 12), rng.randint(1, 28))
        members.append(("3", rng.choice(CHILDREN), rng.choice("LP"), born))
    return [
        (rel, name, sex, born, _nik(rng, district, born, sex == "P", serial * 10 + i + 1))
        for i, (rel, name, sex, born) in enumerate(members)
    ]


def _extract(rng: random.Random, villages: list[Region], households: int) -> bytes:
    lines = [
        "NO_KK;NIK;NAMA;JENIS_KELAMIN;TANGGAL_LAHIR;HUBUNGAN_KELUARGA;KODE_DESA;ALAMAT;RT;RW;DESIL"
    ]
    for n in range(households):
        village = villages[n % len(villages)]
        district = village.code[:8]
        issued = dt.date(rng.randint(2010, 2023), rng.randint(1, 12), rng.randint(1, 28))
        kk = f"{district.replace('.', '')}{issued:%d%m%y}{n + 1:04d}"
        rt, rw = f"{rng.randint(1, 12):03d}", f"{rng.randint(1, 5):03d}"
        decile = rng.choice([1, 1, 2, 2, 3, 4])
        for rel, name, sex, born, nik in _family(rng, district, n + 1):
            lines.append(
                f"{kk};{nik};{name};{sex};{born:%d-%m-%Y};{rel};{village.code.replace('.', '')};"
                f"Dukuh {village.name.title()};{rt};{rw};{decile}"
            )
    return ("\n".join(lines) + "\n").encode()


def seed(*, org, users, out) -> None:
    if ImportBatch.objects.filter(filename=DEMO_EXTRACT).exists():
        out.write("  rumah tangga demo sudah ada")
        return
    load_regions(Region)
    rng = random.Random(3314)  # noqa: S311 - demo data only
    districts = list(Region.objects.filter(parent_id="33.14").order_by("code"))
    villages = [
        Region.objects.filter(parent=d, level=Region.Level.VILLAGE).order_by("code").first()
        for d in districts
    ]
    head = users["head"]
    verifier = users["verifier"]
    desk = User.objects.filter(email="verifikator2@kenanga.test").first() or verifier
    today = timezone.localdate()

    with transaction.atomic():
        data = _extract(rng, villages, 140)
        parsed = parse_national_list(data, filename=DEMO_EXTRACT)
        if parsed.errors:
            raise RuntimeError(f"demo extract invalid: {parsed.errors[:3]}")
        batch = ImportBatch.objects.create(
            source="dtks",
            as_of=dt.date(today.year, 1, 1) - dt.timedelta(days=1),
            filename=DEMO_EXTRACT,
            file_sha256="demo",
            created_by=head,
        )
        national_list_commit(batch=batch, parsed=parsed, actor=head)

        bps = CriteriaSet.objects.get(code="bps-14", version=1)
        for n in range(60):
            village = villages[(n * 7) % len(villages)]
            district = village.code[:8]
            family = _family(rng, district, 600 + n)
            rel, name, sex, born, nik = family[0]
            issued = dt.date(rng.randint(2012, 2024), rng.randint(1, 12), rng.randint(1, 28))
            registration = household_register(
                kk_number=f"{district.replace('.', '')}{issued:%d%m%y}{5000 + n:04d}",
                village_code=village.code,
                street_address=f"Dukuh {village.name.title()} No. {n + 1}",
                rt=f"{rng.randint(1, 9):03d}",
                rw=f"{rng.randint(1, 4):03d}",
                phone=f"0812{rng.randint(10_000_000, 99_999_999)}",
                head_nik=nik,
                head_name=name,
                head_sex=sex,
                head_birth_date=born,
                channel=rng.choice(Registration.Channel.values),
                referrer="Ketua RT",
                verifier=verifier,
                actor=desk,
            )
            if n < 20:
                continue  # visit still pending
            met = rng.sample(range(1, 15), rng.randint(5, 13))
            visit_submit(
                visit=registration.visit,
                criteria_set=bps,
                met=met,
                narrative="Rumah berdinding bambu; kepala keluarga buruh tani harian.",
                proposed_grade=Grade.VERY_POOR if len(met) >= 11 else Grade.POOR,
                visited_on=today,
                actor=verifier,
            )
            if n < 35:
                continue  # waiting for the head
            eligible = len(met) >= bps.min_met
            registration_decide(
                registration=registration,
                eligible=eligible,
                grade=Grade.VERY_POOR if len(met) >= 11 else Grade.POOR,
                basis=Basis.LOCAL_SURVEY,
                note="" if eligible else "Kurang dari 9 kriteria BPS.",
                actor=head,
                on=today,
            )
        # A few listed households got their card almost a year ago: due soon.
        for household in batch_households(batch)[:8]:
            card_issue(
                household=household,
                grade=Grade.POOR,
                actor=head,
                on=today - dt.timedelta(days=350),
            )
        complaint_file(
            kind="missed",
            channel="desk",
            name="Bu Sarmi",
            contact="081390001234",
            description="Tetangga kami janda lansia belum pernah didata.",
            village=villages[0],
            actor=desk,
            on=today - dt.timedelta(days=20),
        )
    out.write("  200 rumah tangga demo di 20 kecamatan Sragen")


def batch_households(batch):
    from beneficiaries.models import Household

    return list(Household.objects.filter(import_batch=batch).order_by("pk"))
