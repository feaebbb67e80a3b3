"""Arguments for the donors URLs that take some (see tests/core/test_url_access.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.roles import Role
from donors.models import Contribution, Donor, Opd, PayrollImport, Receipt, Scheme

STAFF = {Role.FUND_MANAGER, Role.TREASURER, Role.HEAD, Role.AUDITOR, Role.ADMIN}


def _books():
    from funds.models import Fund, MoneyLocation

    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    bank, _ = MoneyLocation.objects.get_or_create(
        code="bank-jateng", defaults={"name": "Bank Jateng", "kind": MoneyLocation.Kind.BANK}
    )
    scheme, _ = Scheme.objects.get_or_create(
        code="matra", defaults={"name": "MATRA", "fund": fund, "deposit_location": bank}
    )
    opd, _ = Opd.objects.get_or_create(code="DINKES", defaults={"name": "Dinas Kesehatan"})
    return fund, bank, scheme, opd


def _donor(personas, *, own: bool = False, other: bool = False) -> Donor:
    _, _, _, opd = _books()
    if other:
        # Another contributor's record: the contributor persona must not find it.
        from tests.conftest import make_user

        user = make_user("dewi.donatur.lain@uji.test", [Role.CONTRIBUTOR])
        nip = "199001012015031001"
    else:
        user = personas[Role.CONTRIBUTOR] if own else None
        nip = "197805152005011002" if own else "198203102008012003"
    return Donor.objects.create(
        kind=Donor.Kind.CIVIL_SERVANT,
        name="Budi Santoso",
        nip=nip,
        position=Donor.Position.ECHELON_III,
        opd=opd,
        user=user,
    )


def _gift(personas, *, own: bool = False, other: bool = False) -> Contribution:
    from donors.services import gift_record

    fund, bank, _, _ = _books()
    return gift_record(
        donor=_donor(personas, own=own, other=other),
        fund=fund,
        location=bank,
        amount=Decimal("100000"),
        date=dt.date(2025, 3, 3),
        # An institution's gift may land in the bank (cash at the desk goes to the cash box).
        channel=Contribution.Channel.INSTITUTION,
        actor=personas[Role.FUND_MANAGER],
    )


def _import(personas) -> PayrollImport:
    from donors.services import payroll_import_prepare

    _, _, scheme, opd = _books()
    draft, check = payroll_import_prepare(
        data=b"NIP;NAMA;JUMLAH\n197805152005011002;Budi;100.000\n",
        filename="gaji.csv",
        opd=opd,
        scheme=scheme,
        period=dt.date(2025, 3, 1),
        received_on=dt.date(2025, 3, 28),
        expected_count=None,
        expected_total=None,
        actor=personas[Role.FUND_MANAGER],
    )
    assert check.ok, check.errors
    return draft


SAMPLES = {
    "donors:donor_detail": lambda p: {"pk": _donor(p).pk},
    "donors:donor_edit": lambda p: {"pk": _donor(p).pk},
    "donors:donor_merge": lambda p: {"pk": _donor(p).pk},
    "donors:enrolment_create": lambda p: {"pk": _donor(p).pk},
    # A contributor may open only their own statement.
    "donors:statement_pdf": lambda p: ({"pk": _donor(p, own=True).pk}, STAFF | {Role.CONTRIBUTOR}),
    "donors:scheme_detail": lambda p: {"pk": _books()[2].pk},
    "donors:import_detail": lambda p: {"pk": _import(p).pk},
    "donors:import_confirm": lambda p: {"pk": _import(p).pk},
    "donors:import_reverse": lambda p: {"pk": _import(p).pk},
    "donors:import_receipts": lambda p: {"pk": _import(p).pk},
    "donors:contribution_detail": lambda p: {"pk": _gift(p).pk},
    "donors:contribution_reverse": lambda p: {"pk": _gift(p).pk},
    "donors:receipt_pdf": lambda p: (
        {"pk": Receipt.objects.get(contribution=_gift(p, own=True)).pk},
        STAFF | {Role.CONTRIBUTOR},
    ),
    "donors:receipt_verify": lambda p: {"token": Receipt.objects.get(contribution=_gift(p)).token},
}

# The same URLs asked for ANOTHER user's object (test_url_access.py): the roles
# that see only their own objects get 404.
OTHERS = {
    "donors:statement_pdf": lambda p: ({"pk": _donor(p, other=True).pk}, STAFF),
    "donors:receipt_pdf": lambda p: (
        {"pk": Receipt.objects.get(contribution=_gift(p, other=True)).pk},
        STAFF,
    ),
}

# --- CSR partner portal ------------------------------------------------------------------------
OWN_PARTNER = STAFF | {Role.CSR_PARTNER}


def _partner(p, other: bool = False):
    from donors.models import Partner

    if other:
        # Another company: the CSR partner persona must not find its records.
        from tests.conftest import make_user

        user = make_user("csr.lain@uji.test", [Role.CSR_PARTNER])
        legal_name, npwp = "PT Gula Lain", "098765432109876"
    else:
        user, legal_name, npwp = p[Role.CSR_PARTNER], "PT Semen Gresik Tbk", "012345678901000"
    existing = Partner.objects.filter(user=user).first()
    if existing:
        return existing
    from donors.csr import partner_register
    from tests.donors.csr_fixtures import pdf_upload

    return partner_register(
        user=user, legal_name=legal_name, npwp=npwp, contact_name="Dewi", document=pdf_upload()
    )


def _pledge(p, kind="cash", other: bool = False):
    from donors.csr import GoodsLine, pledge_create

    today = dt.date.today()
    partner = _partner(p, other)
    return pledge_create(
        partner=partner,
        kind=kind,
        title="Beasiswa",
        total_amount=Decimal("1000000"),
        agreement_number="PKS/1",
        schedule=[(today, Decimal("1000000"))] if kind == "cash" else None,
        goods=[GoodsLine("Komputer", 1, Decimal("1000000"), today)] if kind == "goods" else None,
        actor=partner.user,
    )


def _handed_on(p, other: bool = False):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from donors.csr import _store_photo
    from donors.models import GoodsItem

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG")
    item = _pledge(p, "goods", other).goods.get()
    photo = _store_photo(SimpleUploadedFile("f.jpg", buffer.getvalue()), actor=None)
    GoodsItem.objects.filter(pk=item.pk).update(handover_photo=photo)
    item.refresh_from_db()
    return item


def _handover(p, other: bool = False):
    """A facility hand-on with one photo (a household's would be hidden from the partner)."""
    from donors.models import GoodsHandover, GoodsHandoverPhoto, GoodsItem

    item = _handed_on(p, other)
    GoodsItem.objects.filter(pk=item.pk).update(
        status="received", valuation=Decimal("1000000"), received_on=dt.date.today()
    )
    handover = GoodsHandover.objects.create(
        item=item,
        recipient_kind="facility",
        quantity=1,
        valuation=Decimal("1000000"),
        facility_name="Balai Desa",
        desa="33.14.05.2001",
        bast_number=f"BAST/S/{item.pk}",
        date=dt.date.today(),
        created_by=p[Role.FUND_MANAGER],
    )
    GoodsHandoverPhoto.objects.create(handover=handover, stored=item.handover_photo)
    return handover


def _impact_photo(p, other: bool = False):
    """A closed house rehab paid from an earmarked pledge's fund, with consent and a photo."""
    from disbursements.models import DisbursementRequest, Evidence, ProgrammeRule
    from donors.models import Pledge
    from funds.models import Fund, Programme
    from tests.beneficiaries.factories import household

    pledge = _pledge(p, other=other)
    fund = Fund.objects.create(
        code=f"csr-{pledge.pk}",
        name="CSR RTLH",
        restriction=Fund.Restriction.RESTRICTED,
        allowed_programmes=["rtlh"],
    )
    Pledge.objects.filter(pk=pledge.pk).update(programme="rtlh", fund=fund, status="accepted")
    rtlh = Programme.objects.get(code="rtlh")
    home = household()
    req = DisbursementRequest.objects.create(
        number=f"PB-S-{pledge.pk}",
        programme=rtlh,
        rule=ProgrammeRule.objects.filter(programme=rtlh).first(),
        household=home,
        fund=fund,
        amount=Decimal("5000000"),
        paid_amount=Decimal("5000000"),
        desa=home.village_id,
        kecamatan=home.village_id[:8],
        payee_kind="supplier",
        payee_name="TB Maju",
        photos_consent=True,
        status="closed",
        requested_by=p[Role.FUND_MANAGER],
    )
    stored = _handed_on(p).handover_photo  # any stored photo will do
    evidence = Evidence.objects.create(
        request=req, kind="photo_after", stored=stored, uploaded_by=p[Role.FUND_MANAGER]
    )
    return {"pk": pledge.pk, "evidence": evidence.pk}


def _transfer(p, other: bool = False):
    from donors.csr import _store
    from donors.models import Pledge, TransferProof
    from tests.donors.csr_fixtures import pdf_upload

    pledge = _pledge(p, other=other)
    Pledge.objects.filter(pk=pledge.pk).update(status="accepted")
    return TransferProof.objects.create(
        pledge=pledge,
        amount=Decimal("100000"),
        transferred_on=dt.date.today(),
        proof=_store(pdf_upload(), purpose="test", actor=None, label="x"),
        submitted_by=pledge.partner.user,
    )


def _partner_receipt(p, other: bool = False):
    from donors.services import gift_record

    fund, bank, _, _ = _books()
    gift = gift_record(
        donor=_partner(p, other).donor,
        fund=fund,
        location=bank,
        amount=Decimal("100000"),
        date=dt.date.today(),
        channel=Contribution.Channel.INSTITUTION,
        actor=p[Role.FUND_MANAGER],
    )
    return Receipt.objects.get(contribution=gift)


def _payment(p):
    from donors.models import OnlinePayment

    fund, bank, _, _ = _books()
    return OnlinePayment.objects.create(
        donor=_partner(p).donor,
        fund=fund,
        location=bank,
        amount=Decimal("100000"),
        payment_intent_id="pi_sample",
    )


def _movement(p):
    from donors.models import GatewayMovement

    return GatewayMovement.objects.create(
        kind=GatewayMovement.Kind.REFUND,
        stripe_id="re_sample",
        payment=_payment(p),
        amount=Decimal("100000"),
        status=GatewayMovement.Status.PENDING,
    )


SAMPLES.update(
    {
        "donors:movement_detail": lambda p: {"pk": _movement(p).pk},
        "donors:movement_book": lambda p: {"pk": _movement(p).pk},
        "donors:movement_propose": lambda p: {"pk": _movement(p).pk},
        "donors:movement_approve": lambda p: {"pk": _movement(p).pk},
        "donors:pledge_detail": lambda p: ({"pk": _pledge(p).pk}, OWN_PARTNER),
        "donors:pledge_submit": lambda p: ({"pk": _pledge(p).pk}, OWN_PARTNER),
        "donors:pledge_accept": lambda p: {"pk": _pledge(p).pk},
        "donors:pledge_cancel": lambda p: ({"pk": _pledge(p).pk}, OWN_PARTNER),
        "donors:pledge_pay": lambda p: ({"pk": _pledge(p).pk}, OWN_PARTNER),
        "donors:transfer_submit": lambda p: ({"pk": _pledge(p).pk}, OWN_PARTNER),
        "donors:pledge_report": lambda p: ({"pk": _pledge(p).pk}, OWN_PARTNER),
        "donors:impact_photo": lambda p: (_impact_photo(p), OWN_PARTNER),
        "donors:transfer_confirm": lambda p: {"pk": _transfer(p).pk},
        "donors:transfer_reject": lambda p: {"pk": _transfer(p).pk},
        "donors:transfer_proof": lambda p: ({"pk": _transfer(p).pk}, OWN_PARTNER),
        "donors:goods_receive": lambda p: {"pk": _pledge(p, "goods").goods.get().pk},
        "donors:goods_hand_on": lambda p: {"pk": _pledge(p, "goods").goods.get().pk},
        "donors:goods_photo": lambda p: ({"pk": _handed_on(p).pk}, OWN_PARTNER),
        "donors:partner_document": lambda p: ({"pk": _partner(p).pk}, OWN_PARTNER),
        "donors:handover_bast": lambda p: ({"pk": _handover(p).pk}, OWN_PARTNER),
        "donors:handover_photo": lambda p: ({"pk": _handover(p).photos.get().pk}, OWN_PARTNER),
        "donors:partner_verify": lambda p: {"pk": _partner(p).pk},
        "donors:partner_report": lambda p: ({"pk": _partner(p).pk}, OWN_PARTNER),
        "donors:partner_receipt": lambda p: ({"pk": _partner_receipt(p).pk}, OWN_PARTNER),
        "donors:payment_page": lambda p: {"token": _payment(p).token},
        "donors:payment_api": lambda p: {"token": _payment(p).token},
    }
)

OTHERS.update(
    {
        "donors:pledge_detail": lambda p: ({"pk": _pledge(p, other=True).pk}, STAFF),
        "donors:pledge_submit": lambda p: ({"pk": _pledge(p, other=True).pk}, STAFF),
        "donors:pledge_cancel": lambda p: ({"pk": _pledge(p, other=True).pk}, STAFF),
        "donors:pledge_pay": lambda p: ({"pk": _pledge(p, other=True).pk}, STAFF),
        "donors:transfer_submit": lambda p: ({"pk": _pledge(p, other=True).pk}, STAFF),
        "donors:pledge_report": lambda p: ({"pk": _pledge(p, other=True).pk}, STAFF),
        "donors:impact_photo": lambda p: (_impact_photo(p, other=True), STAFF),
        "donors:transfer_proof": lambda p: ({"pk": _transfer(p, other=True).pk}, STAFF),
        "donors:goods_photo": lambda p: ({"pk": _handed_on(p, other=True).pk}, STAFF),
        "donors:partner_document": lambda p: ({"pk": _partner(p, other=True).pk}, STAFF),
        "donors:handover_bast": lambda p: ({"pk": _handover(p, other=True).pk}, STAFF),
        "donors:handover_photo": lambda p: (
            {"pk": _handover(p, other=True).photos.get().pk},
            STAFF,
        ),
        "donors:partner_report": lambda p: ({"pk": _partner(p, other=True).pk}, STAFF),
        "donors:partner_receipt": lambda p: ({"pk": _partner_receipt(p, other=True).pk}, STAFF),
    }
)
