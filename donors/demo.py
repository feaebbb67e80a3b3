"""Demo data of donors: MATRA in a regency like Sragen.

About 300 civil servants in 15 OPDs, enrolled in MATRA by echelon; twelve
months of payroll files (one ledger transaction per OPD and month, through the
same services as a real import) with some arrears; gifts at the desk and by
transfer; one institution gift. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.audit import audit_log
from core.money import format_number
from donors.models import Contribution, Donor, Enrolment, Opd, PayrollImport, Scheme, SchemeRate
from donors.payroll import CheckedRow, PayrollCheck
from donors.services import _payroll_rows_book, gift_record

OPDS = [
    ("DINKES", "Dinas Kesehatan"),
    ("DISDIK", "Dinas Pendidikan dan Kebudayaan"),
    ("DINSOS", "Dinas Sosial"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("BKD", "Badan Kepegawaian Daerah"),
    ("BPKPD", "Badan Pengelolaan Keuangan dan Pendapatan Daerah"),
    ("DPU", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("DISPERTAN", "Dinas Pertanian"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DPMPTSP", "Dinas Penanaman Modal dan PTSP"),
    ("SETDA", "Sekretariat Daerah"),
    ("INSPEKTORAT", "Inspektorat Daerah"),
    ("RSUD", "RSUD dr. Soehadi Prijonegoro"),
    ("KEC-SAMBIREJO", "Kecamatan Sambirejo"),
    ("KEC-SRAGEN", "Kecamatan Sragen"),
]
RATES = [
    (Donor.Position.ECHELON_II, Decimal("200000")),
    (Donor.Position.ECHELON_III, Decimal("100000")),
    (Donor.Position.PRINCIPAL_OR_UPT_HEAD, Decimal("150000")),
]
FIRST = [
    "Budi",
    "Sri",
    "Agus",
    "Dwi",
    "Eko",
    "Siti",
    "Joko",
    "Rina",
    "Heru",
    "Wahyu",
    "Yuni",
    "Tri",
    "Endang",
    "Bambang",
    "Sutrisno",
    "Lestari",
    "Purwanto",
    "Ratna",
    "Slamet",
    "Wulan",
]
LAST = [
    "Santoso",
    "Rahayu",
    "Wibowo",
    "Lestari",
    "Susanto",
    "Handayani",
    "Prasetyo",
    "Kusuma",
    "Hartono",
    "Setiawati",
    "Nugroho",
    "Wijayanti",
    "Saputra",
    "Utami",
    "Haryanto",
]
PER_OPD = 20
MONTHS = 12


def _nip(rng: random.Random, index: int) -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    appointed = birth.year + rng.randrange(22, 30)
    return f"{birth:%Y%m%d}{appointed}{rng.randrange(1, 13):02d}{rng.choice('12')}{index % 999 + 1:03d}"


@transaction.atomic
def seed(*, org, users, out) -> None:
    """Load the demo donors, or leave them alone when they are there (all or nothing)."""
    from funds.models import Fund, MoneyLocation

    matra = Fund.objects.get(code="matra")
    bank = MoneyLocation.objects.get(code="bank-jateng")
    kas = MoneyLocation.objects.get(code="kas")
    manager = users.get("fund_manager")
    from donors import csr_demo

    csr_demo.seed(org=org, users=users, out=out)
    if Scheme.objects.filter(code="matra").exists():
        out.write("  donatur demo sudah ada")
        return
    rng = random.Random(20150501)  # noqa: S311 - demo data only
    today = timezone.localdate()
    first_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for _ in range(MONTHS - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)

    if True:  # one block with the bulk creations, for reading
        scheme = Scheme.objects.create(
            code="matra",
            name="MATRA (Mitra Masyarakat Sejahtera)",
            fund=matra,
            deposit_location=bank,
            description="Sumbangan sukarela bulanan PNS lewat potongan gaji.",
        )
        SchemeRate.objects.bulk_create(
            SchemeRate(scheme=scheme, position=p, valid_from=first_month, minimum_amount=a)
            for p, a in RATES
        )
        opds = Opd.objects.bulk_create(Opd(code=c, name=n) for c, n in OPDS)
        donors, index = [], 0
        for opd in opds:
            for i in range(PER_OPD):
                index += 1
                position = (
                    Donor.Position.ECHELON_II
                    if i == 0
                    else Donor.Position.ECHELON_III
                    if i < 4
                    else Donor.Position.PRINCIPAL_OR_UPT_HEAD
                    if i < 8
                    else Donor.Position.STAFF
                )
                consent = rng.random() < 0.3
                donors.append(
                    Donor(
                        kind=Donor.Kind.CIVIL_SERVANT,
                        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        nip=_nip(rng, index),
                        position=position,
                        rank={"echelon_ii": "IV/c", "echelon_iii": "IV/a"}.get(position, "III/c"),
                        opd=opd,
                        display=Donor.Display.NAMED if consent else Donor.Display.ANONYMOUS,
                        name_consent_on=first_month if consent else None,
                    )
                )
        contributor = users.get("contributor")
        if contributor is not None:
            donors[1].name, donors[1].user = contributor.full_name or donors[1].name, contributor
        donors = Donor.objects.bulk_create(donors)
        minimum = dict(RATES)
        Enrolment.objects.bulk_create(
            Enrolment(
                donor=d,
                scheme=scheme,
                monthly_amount=minimum.get(d.position, Decimal(rng.choice([50000, 75000, 100000]))),
                start=first_month,
            )
            for d in donors
        )

    enrolled = {d.pk: d for d in donors}
    amounts = dict(
        Enrolment.objects.filter(scheme=scheme).values_list("donor_id", "monthly_amount")
    )
    enrolment_of = dict(Enrolment.objects.filter(scheme=scheme).values_list("donor_id", "pk"))
    month = first_month
    files = 0
    for m in range(MONTHS):
        received = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=5)
        for o, opd in enumerate(opds):
            if m == MONTHS - 1 and o in (2, 7):
                continue  # two OPDs have not remitted last month yet: arrears
            rows = []
            for d in donors[o * PER_OPD : (o + 1) * PER_OPD]:
                if rng.random() < 0.03:
                    continue  # on leave, moved, forgot: individual arrears
                rows.append(
                    CheckedRow(
                        row=len(rows) + 2,
                        nip=d.nip,
                        name=enrolled[d.pk].name,
                        amount=amounts[d.pk],
                        donor_id=d.pk,
                        enrolment_id=enrolment_of[d.pk],
                    )
                )
            if m == 3 and o == 0:
                # A civil servant not known yet: created and enrolled from the file.
                rows.append(
                    CheckedRow(
                        row=len(rows) + 2,
                        nip="199606152022031001",
                        name="Anisa Rahmawati",
                        amount=Decimal("50000"),
                        flags=["Donatur baru: akan dibuat dan didaftarkan pada skema."],
                    )
                )
            _book_file(scheme, opd, month, received, rows, manager)
            files += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)

    public = [
        ("Hamba Allah", Donor.Kind.INDIVIDUAL, "", Contribution.Channel.CASH, kas, "250000"),
        ("Ibu Warsini", Donor.Kind.INDIVIDUAL, "", Contribution.Channel.CASH, kas, "100000"),
        (
            "PT Sukowati Makmur",
            Donor.Kind.COMPANY,
            "",
            Contribution.Channel.INSTITUTION,
            bank,
            "15000000",
        ),
        (
            "BAZNAS Kabupaten Sragen",
            Donor.Kind.INSTITUTION,
            Donor.InstitutionType.BAZNAS,
            Contribution.Channel.INSTITUTION,
            bank,
            "50000000",
        ),
    ]
    for i, (name, kind, inst, channel, location, amount) in enumerate(public):
        donor = Donor.objects.create(
            kind=kind,
            name=name,
            institution_type=inst,
            npwp="02.345.678.9-528.000" if kind == Donor.Kind.COMPANY else "",
            display=Donor.Display.NAMED
            if kind != Donor.Kind.INDIVIDUAL or i == 1
            else Donor.Display.ANONYMOUS,
            name_consent_on=first_month if kind != Donor.Kind.INDIVIDUAL or i == 1 else None,
        )
        gift_record(
            donor=donor,
            fund=matra,
            location=location,
            amount=Decimal(amount),
            date=first_month + dt.timedelta(days=20 * (i + 1)),
            channel=channel,
            note="Demo",
            actor=manager,
        )
    out.write(
        f"  {len(donors)} PNS di {len(opds)} OPD, {files} berkas potongan gaji, "
        f"{PayrollImport.objects.count()} impor, {len(public)} sumbangan lain"
    )


def _book_file(scheme, opd, month, received, rows, actor) -> None:
    """Book one OPD-month as an import would, without re-reading a generated file.

    The rows are right by construction, so the demo skips parsing and checking
    (two passes of pandas per file made the demo slow) but books through the same
    code as a real import: one ledger transaction per file via contribution_record.
    """
    text = "NIP;NAMA;JUMLAH\r\n" + "".join(
        f"{r.nip};{r.name};{format_number(r.amount)}\r\n" for r in rows
    )
    check = PayrollCheck(rows=rows, total=sum((r.amount for r in rows), Decimal("0.00")))
    imp = PayrollImport.objects.create(
        opd=opd,
        scheme=scheme,
        period=month,
        location=scheme.deposit_location,
        received_on=received,
        filename=f"potongan-{opd.code.lower()}-{month:%Y-%m}.csv",
        content=text.encode(),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        expected_count=check.count,
        expected_total=check.total,
        row_count=check.count,
        total_amount=check.total,
        new_donor_count=check.new_donor_count,
        flagged_count=check.flagged_count,
        preview=check.summary(),
        created_by=actor,
    )
    _payroll_rows_book(imp, check, actor=actor, progress=None)
    imp.status, imp.committed_at = PayrollImport.Status.COMMITTED, timezone.now()
    imp.save(update_fields=["status", "committed_at", "transaction"])
    audit_log(
        imp,
        "donors.payroll_import.committed",
        actor=actor,
        changes={"rows": check.count, "total": check.total, "demo": True},
    )
