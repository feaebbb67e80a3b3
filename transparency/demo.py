"""Demo data of the transparency app: LKS Mitra Kenanga, Payakumbuh, May-October 2015.

The field report said Rp202.615.628 collected, Rp107.350.124 spent and
Rp95.625.000 left, which does not add up. Here the same money goes through
the ledger, and the published reports show the true rest: Rp95.265.504.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from donors.models import Contribution, Donor
from donors.services import gift_record
from funds.models import ClosedPeriod, Fund, MoneyLocation
from funds.services import fund_create, payment_record, period_close
from transparency.models import PublishedReport
from transparency.periods import Period
from transparency.services import report_publish

FUND = "lks-mitra-kenanga-2015"
PNS_MONTHLY = Decimal("20000000")  # six months of civil servants' infak: Rp120.000.000
PUBLIC = [
    (dt.date(2015, 5, 22), Decimal("12615628")),
    (dt.date(2015, 7, 17), Decimal("30000000")),  # Ramadan
    (dt.date(2015, 9, 24), Decimal("20000000")),  # Iduladha
]
INSTITUTION = (dt.date(2015, 6, 15), Decimal("20000000"))
SPENT = [
    (
        dt.date(2015, 7, 10),
        Decimal("60000000"),
        "kesehatan",
        "Obat dan biaya berobat keluarga miskin",
    ),
    (
        dt.date(2015, 8, 3),
        Decimal("47350124"),
        "pendidikan",
        "Kebutuhan sekolah anak keluarga miskin",
    ),
]


def seed(*, org, users, out) -> None:
    if Fund.objects.filter(code=FUND).exists():
        return
    manager, treasurer, head = users["fund_manager"], users["treasurer"], users["head"]
    fund = fund_create(
        code=FUND,
        name="Infak LKS Mitra Kenanga Payakumbuh 2015",
        purpose="Infak dan sedekah ASN dan masyarakat Payakumbuh, Mei-Oktober 2015",
        actor=manager,
    )
    # The UPZ collected infak in cash and paid help out in cash, as in the field.
    bank = MoneyLocation.objects.get(code="kas")
    pns = Donor.objects.create(
        kind=Donor.Kind.CIVIL_SERVANT,
        name="ASN Kota Payakumbuh (rekap UPZ)",
        nip="197001012000031999",
    )
    public = Donor.objects.create(kind=Donor.Kind.INDIVIDUAL, name="Jamaah Masjid Raya")
    baznas = Donor.objects.create(
        kind=Donor.Kind.INSTITUTION,
        name="BAZNAS Kota Payakumbuh",
        institution_type=Donor.InstitutionType.BAZNAS,
        display=Donor.Display.NAMED,
        name_consent_on=dt.date(2015, 6, 1),
    )
    gifts = [(dt.date(2015, m, 25), PNS_MONTHLY, pns) for m in range(5, 11)]
    gifts += [(day, amount, public) for day, amount in PUBLIC]
    gifts.append((*INSTITUTION, baznas))
    for day, amount, donor in sorted(gifts, key=lambda g: g[0]):
        gift_record(
            donor=donor,
            fund=fund,
            location=bank,
            amount=amount,
            date=day,
            channel=Contribution.Channel.INSTITUTION
            if donor is baznas
            else Contribution.Channel.CASH,
            actor=manager,
        )
    for day, amount, programme, description in SPENT:
        payment_record(
            fund=fund,
            location=bank,
            amount=amount,
            date=day,
            description=description,
            reference=None,
            actor=treasurer,
            programme=programme,
        )
    for month in range(1, 13):
        if not ClosedPeriod.objects.filter(year=2015, month=month).exists():
            period_close(year=2015, month=month, actor=head)
    if not PublishedReport.objects.exists():
        for month in range(5, 11):
            report_publish(period=Period("month", 2015, month), actor=head)
        report_publish(period=Period("year", 2015), actor=head)
    out.write("  laporan transparansi Payakumbuh 2015 terbit (7 laporan)")
