"""Demo data of the CSR portal: a state bank, a cement company and a sugar mill.

One cash pledge with instalments (one overdue), one goods pledge (a car and
computers) handed on, one earmarked RTLH pledge that has paid for houses.
Every record is made through the services, as a partner and a fund manager would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

DEED = b"%PDF-1.4\n% Kenanga demo: akta pendirian perusahaan\n%%EOF"
COMPANIES = [
    # (e-mail, legal name, NPWP, contact); the demo CSR login (core.demo) is the state bank.
    (
        "mitra@kenanga.test",
        "PT Bank Pembangunan Daerah Jawa Tengah (Bank Jateng)",
        "01.001.608.7-093.000",
        "Rina Kartika",
    ),
    ("mitra.semen@kenanga.test", "PT Semen Gresik Tbk", "01.000.019.1-092.000", "Dewi Lestari"),
    (
        "mitra.pgmojo@kenanga.test",
        "PT Perkebunan Nusantara IX (PG Mojo Sragen)",
        "01.002.847.0-511.000",
        "Bambang Widodo",
    ),
]


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEED, content_type="application/pdf")


def seed(*, org, users, out) -> None:
    """Load the CSR demo once (skipped when the partners are there)."""
    from core.demo import DEMO_PASSWORD
    from core.models import User
    from donors import csr
    from donors.models import Partner
    from funds.models import Fund, MoneyLocation
    from funds.services import payment_record

    if Partner.objects.exists():
        out.write("  mitra CSR demo sudah ada")
        return
    manager, treasurer = users.get("fund_manager"), users.get("treasurer")
    bank = MoneyLocation.objects.get(code="bank-jateng")
    general = Fund.objects.get(code="infak-mitra-kenanga")
    today = timezone.localdate()
    partners = []
    for email, name, npwp, contact in COMPANIES:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=contact
        )
        partner = csr.partner_register(
            user=user,
            legal_name=name,
            npwp=npwp,
            contact_name=contact,
            document=_upload("akta.pdf"),
        )
        partners.append(csr.partner_verify(partner=partner, approve=True, actor=manager))
    bank_jateng, semen, pg_mojo = partners

    def transferred(pledge, amount: Decimal):
        transfer = csr.transfer_submit(
            pledge=pledge,
            amount=amount,
            transferred_on=today,
            proof=_upload("bukti-transfer.pdf"),
            actor=pledge.partner.user,
        )
        csr.transfer_confirm(transfer=transfer, location=bank, actor=manager)

    # 1. The state bank: Rp 30 juta in three instalments, the second one overdue.
    pledge = csr.pledge_create(
        partner=bank_jateng,
        kind="cash",
        title="Bantuan kebutuhan sekolah 2026/2027",
        total_amount=Decimal("30000000"),
        agreement_number="PKS/BJTG-SRG/014/VII/2026",
        schedule=[
            (today - dt.timedelta(days=60), Decimal("10000000")),
            (today - dt.timedelta(days=10), Decimal("10000000")),
            (today + dt.timedelta(days=50), Decimal("10000000")),
        ],
        actor=bank_jateng.user,
    )
    csr.pledge_submit(pledge=pledge, actor=bank_jateng.user)
    pledge = csr.pledge_accept(pledge=pledge, fund=general, actor=manager)
    transferred(pledge, Decimal("10000000"))

    # 2. The cement company: a car and computers, received with a BAST and handed on.
    pledge = csr.pledge_create(
        partner=semen,
        kind="goods",
        title="Mobil layanan dan komputer pendataan",
        total_amount=Decimal("290000000"),
        agreement_number="MoU/SG-CSR/022/2026",
        goods=[
            csr.GoodsLine("Mobil layanan UPTPK (minibus)", 1, Decimal("250000000"), today),
            csr.GoodsLine("Komputer desktop pendataan", 5, Decimal("8000000"), today),
        ],
        actor=semen.user,
    )
    csr.pledge_submit(pledge=pledge, actor=semen.user)
    pledge = csr.pledge_accept(pledge=pledge, actor=manager)
    car, computers = pledge.goods.order_by("pk")
    csr.goods_receive(
        item=car,
        bast_number="BAST/UPTPK/031/2026",
        received_on=today,
        valuation=Decimal("245000000"),
        actor=manager,
    )
    csr.goods_receive(
        item=computers,
        bast_number="BAST/UPTPK/032/2026",
        received_on=today,
        valuation=Decimal("40000000"),
        actor=manager,
    )
    from beneficiaries.models import Region
    from beneficiaries.regions import load_regions

    load_regions(Region)  # the desa of each facility is picked from the region list
    csr.goods_hand_on(
        item=computers,
        quantity=3,
        facility_name="Kantor Desa Sukorejo (pendataan warga miskin)",
        desa="33.14.05.2001",
        bast_number="BAST/UPTPK/K/007/2026",
        date=today,
        actor=manager,
    )
    csr.goods_hand_on(
        item=computers,
        quantity=2,
        facility_name="Kantor Desa Jetis (pendataan warga miskin)",
        desa="33.14.05.2003",
        bast_number="BAST/UPTPK/K/009/2026",
        date=today,
        actor=manager,
    )
    csr.goods_hand_on(
        item=car,
        quantity=1,
        facility_name="Layanan antar-jemput pasien UPTPK",
        desa="33.14.05.2001",
        bast_number="BAST/UPTPK/K/008/2026",
        date=today,
        actor=manager,
    )

    # 3. The sugar mill: Rp 15 juta earmarked for RTLH in Kecamatan Sambirejo, two houses paid.
    pledge = csr.pledge_create(
        partner=pg_mojo,
        kind="cash",
        title="RTLH Kecamatan Sambirejo 2026",
        total_amount=Decimal("15000000"),
        programme="rtlh",
        area="33.14.05",
        agreement_number="PKS/PTPN9-PGMOJO/005/2026",
        schedule=[(today, Decimal("15000000"))],
        actor=pg_mojo.user,
    )
    csr.pledge_submit(pledge=pledge, actor=pg_mojo.user)
    pledge = csr.pledge_accept(pledge=pledge, actor=manager)
    transferred(pledge, Decimal("15000000"))
    for house, village in ((1, "33.14.05.2001"), (2, "33.14.05.2003")):
        payment_record(
            fund=pledge.fund,
            location=bank,
            amount=Decimal("5000000"),
            date=today,
            description=f"RTLH CSR PG Mojo, rumah {house}",
            reference=None,
            actor=treasurer,
            programme="rtlh",
            area=village,
        )
    out.write("  3 mitra CSR, 3 janji (cicilan terlambat, barang diserahkan, RTLH)")
