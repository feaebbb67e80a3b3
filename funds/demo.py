"""Demo data of the funds app: the funds and money locations other apps use by code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from funds.models import Fund, MoneyLocation, Transaction
from funds.services import contribution_record, payment_record, transfer_record

FUNDS = [
    ("matra", "MATRA", Fund.Restriction.UNRESTRICTED, "Mitra Masyarakat Sejahtera", [], []),
    (
        "infak-mitra-kenanga",
        "Infak Mitra Kenanga",
        Fund.Restriction.UNRESTRICTED,
        "Infak dan sedekah PNS dan masyarakat",
        [],
        [],
    ),
    (
        "csr-rtlh-sambirejo",
        "CSR RTLH Kecamatan Sambirejo",
        Fund.Restriction.RESTRICTED,
        "Hibah CSR untuk rehabilitasi rumah tidak layak huni di Kecamatan Sambirejo",
        ["rtlh"],
        ["33.14.05"],  # Kemendagri code of Kecamatan Sambirejo, Sragen
    ),
]
ZAKAT_FUNDS = [
    ("zakat", "Dana Zakat", Fund.Restriction.ZAKAT, "Zakat untuk delapan asnaf"),
    ("infak-sedekah", "Dana Infak/Sedekah", Fund.Restriction.INFAK_SEDEKAH, "Infak dan sedekah"),
    ("amil", "Dana Amil", Fund.Restriction.AMIL, "Hak amil"),
    ("nonhalal", "Dana Nonhalal", Fund.Restriction.NON_HALAL, "Bunga bank dan penerimaan nonhalal"),
]
LOCATIONS = [
    (
        "bank-jateng",
        "Rekening Bank Jateng",
        MoneyLocation.Kind.BANK,
        "Bank Jateng",
        "2-014-01234-5",
    ),
    ("kas", "Kas tunai UPTPK", MoneyLocation.Kind.CASH, "", ""),
    ("gateway", "Saldo payment gateway", MoneyLocation.Kind.GATEWAY, "", ""),
]
DEMO_MARK = "Saldo awal demo"


def seed(*, org, users, out) -> None:
    for code, name, restriction, purpose, programmes, areas in FUNDS:
        Fund.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "restriction": restriction,
                "purpose": purpose,
                "allowed_programmes": programmes,
                "allowed_areas": areas,
            },
        )
    if org.is_zakat_body:
        for code, name, restriction, purpose in ZAKAT_FUNDS:
            Fund.objects.get_or_create(
                code=code, defaults={"name": name, "restriction": restriction, "purpose": purpose}
            )
    for code, name, kind, bank, number in LOCATIONS:
        MoneyLocation.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "bank_name": bank, "account_number": number},
        )
    if Transaction.objects.filter(description__startswith=DEMO_MARK).exists():
        return
    actor = users.get("fund_manager")
    treasurer = users.get("treasurer")
    matra, infak, csr = (Fund.objects.get(code=c) for c, *_ in FUNDS)
    bank, kas = MoneyLocation.objects.get(code="bank-jateng"), MoneyLocation.objects.get(code="kas")
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    contribution_record(
        fund=matra,
        location=bank,
        amount=Decimal("25000000"),
        date=start,
        description=f"{DEMO_MARK} MATRA",
        reference=None,
        actor=actor,
        kind=Transaction.Kind.OPENING_BALANCE,
    )
    contribution_record(
        fund=infak,
        location=bank,
        amount=Decimal("202615628"),
        date=start + dt.timedelta(days=3),
        description=f"{DEMO_MARK} Infak Mitra Kenanga",
        reference=None,
        actor=actor,
        kind=Transaction.Kind.OPENING_BALANCE,
    )
    contribution_record(
        fund=csr,
        location=bank,
        amount=Decimal("447868000"),
        date=start + dt.timedelta(days=10),
        description="Hibah CSR RTLH Sambirejo dari mitra CFCD",
        reference=None,
        actor=actor,
    )
    contribution_record(
        fund=matra,
        location=kas,
        amount=Decimal("1500000"),
        date=start + dt.timedelta(days=15),
        description="Sumbangan tunai Hamba Allah",
        reference=None,
        actor=actor,
    )
    payment_record(
        fund=infak,
        location=bank,
        amount=Decimal("107350124"),
        date=start + dt.timedelta(days=35),
        description="Bantuan kesehatan dan pendidikan 438 keluarga",
        reference=None,
        actor=treasurer,
        programme="kesehatan",
    )
    payment_record(
        fund=csr,
        location=bank,
        amount=Decimal("5000000"),
        date=start + dt.timedelta(days=40),
        description="Rehabilitasi RTLH rumah keluarga di Desa Jambeyan",
        reference=None,
        actor=treasurer,
        programme="rtlh",
        area="33.14.05.2002",  # Desa Jambeyan, Kecamatan Sambirejo
    )
    transfer_record(
        source=matra,
        target=infak,
        amount=Decimal("1000000"),
        date=start + dt.timedelta(days=45),
        description="Pemindahan dana untuk bantuan pendidikan",
        actor=treasurer,
    )
    out.write("  dana, tempat uang dan transaksi contoh dibuat")
