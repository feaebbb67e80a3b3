"""Goods in kind handed on through a record: to a verified household or to a public facility.

Each hand-on has its own BAST (PDF parsed back) and photos in the encrypted
store; the quantities handed on never exceed what was received, also when two
fund managers hand on at the same instant (PostgreSQL row locks).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from disbursements.models import DisbursementRequest, InKindDelivery
from donors.csr import (
    GoodsLine,
    goods_hand_on,
    goods_receive,
    pledge_accept,
    pledge_create,
    pledge_submit,
)
from donors.errors import DonorError
from donors.models import GoodsHandover, GoodsItem
from funds.models import Account, Transaction
from tests.donors.csr_fixtures import pdf_upload

TODAY = dt.date.today()
SUKOREJO = "33.14.05.2001"


def png(size=(40, 30)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return SimpleUploadedFile("serah.png", buffer.getvalue())


def received_computers(partner, manager, quantity=5):
    """A goods pledge of computers, accepted and received at a valuation of Rp40.000.000."""
    pledge = pledge_create(
        partner=partner,
        kind="goods",
        title="Komputer pendataan",
        total_amount=Decimal("8000000") * quantity,
        agreement_number="MoU/1",
        goods=[GoodsLine("Komputer desktop", quantity, Decimal("8000000"), TODAY)],
        actor=partner.user,
    )
    pledge_submit(pledge=pledge, actor=partner.user)
    pledge = pledge_accept(pledge=pledge, actor=manager)
    item = pledge.goods.get()
    return goods_receive(
        item=item,
        bast_number="BAST/T/01",
        received_on=TODAY,
        valuation=Decimal("40000000"),
        actor=manager,
    )


@pytest.fixture
def regions(db):
    from beneficiaries.models import Region
    from beneficiaries.regions import load_regions

    load_regions(Region)


@pytest.fixture
def computers(regions, partner, personas):
    return received_computers(partner, personas["fund_manager"])


def to_facility(item, manager, quantity, bast, **kw):
    kw.setdefault("facility_name", "Kantor Desa Sukorejo")
    kw.setdefault("desa", SUKOREJO)
    return goods_hand_on(
        item=item, quantity=quantity, bast_number=bast, date=TODAY, actor=manager, **kw
    )


def test_goods_are_handed_on_in_parts_to_facilities_each_with_its_own_value_and_photos(
    computers, personas
):
    manager = personas["fund_manager"]
    first = to_facility(computers, manager, 3, "BAST/K/1", photos=[png(), png()])
    second = to_facility(computers, manager, 2, "BAST/K/2", facility_name="Puskesmas Sambirejo")

    computers.refresh_from_db()
    assert computers.handed_on_quantity == 5 and computers.status == GoodsItem.Status.HANDED_ON
    assert first.valuation == Decimal("24000000.00") and second.valuation == Decimal("16000000.00")
    assert [p.stored.kind for p in first.photos.all()] == ["png", "png"]
    assert first.desa == SUKOREJO and first.delivery is None
    # Goods never touch cash: no posting, no account moved.
    assert not Transaction.objects.exists()
    assert not Account.objects.exclude(balance=0).exists()


def test_the_last_hand_on_takes_what_rounding_left_so_the_parts_add_up(regions, partner, personas):
    manager = personas["fund_manager"]
    item = received_computers(partner, manager, quantity=3)
    GoodsItem.objects.filter(pk=item.pk).update(valuation=Decimal("10000000"))
    item.refresh_from_db()
    parts = [to_facility(item, manager, 1, f"BAST/R/{i}").valuation for i in range(3)]
    assert parts == [Decimal("3333333.33"), Decimal("3333333.33"), Decimal("3333333.34")]
    assert sum(parts) == item.valuation


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"quantity": 6}, "melebihi sisa"),
        ({"quantity": 0}, "lebih dari nol"),
        ({"bast": " "}, "BAST"),
        ({"facility_name": ""}, "fasilitas"),
        ({"desa": "33.14.05"}, "desa/kelurahan"),  # a kecamatan, not a desa
        ({"desa": "33.15.01.2001"}, "desa/kelurahan"),  # outside the regency
        ({"desa": "99.99.99.9999"}, "desa/kelurahan"),
        ({"photos": [SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo")]}, "Foto"),
        ({"photos": [png() for _ in range(5)]}, "Paling banyak"),
    ],
)
def test_a_hand_on_with_bad_input_is_refused_and_nothing_changes(
    computers, personas, kwargs, message
):
    args = {"quantity": 1, "bast": "BAST/X/1", **kwargs}
    with pytest.raises(DonorError, match=message):
        to_facility(
            computers, personas["fund_manager"], args.pop("quantity"), args.pop("bast"), **args
        )
    computers.refresh_from_db()
    assert computers.handed_on_quantity == 0 and not GoodsHandover.objects.exists()


def test_a_hand_on_before_receipt_or_by_another_role_is_refused(regions, partner, personas):
    manager = personas["fund_manager"]
    item = received_computers(partner, manager)
    with pytest.raises(DonorError, match="pengelola dana"):
        to_facility(item, personas["treasurer"], 1, "BAST/A/1")
    with pytest.raises(DonorError, match="tanggal"):
        goods_hand_on(
            item=item,
            quantity=1,
            bast_number="B/F",
            date=TODAY + dt.timedelta(days=1),
            actor=manager,
            facility_name="Balai",
            desa=SUKOREJO,
        )
    to_facility(item, manager, 1, "BAST/A/2")
    with pytest.raises(DonorError, match="sudah dipakai"):
        to_facility(item, manager, 1, "BAST/A/2")


def test_the_database_refuses_more_handed_on_than_received(computers):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        GoodsItem.objects.filter(pk=computers.pk).update(handed_on_quantity=6)


# --- to a household, through an in-kind disbursement record ------------------------------------
@pytest.fixture
def home(db):
    from tests.disbursements.conftest import family

    return family()


def test_goods_handed_to_a_verified_household_make_an_in_kind_record_and_no_cash_posting(
    computers, home, personas
):
    handover = goods_hand_on(
        item=computers,
        quantity=1,
        bast_number="BAST/H/1",
        date=TODAY,
        actor=personas["fund_manager"],
        household=home,
        programme="pendidikan" if _has("pendidikan") else _any_programme(),
        photos=[png()],
    )

    delivery = handover.delivery
    assert isinstance(delivery, InKindDelivery) and delivery.household == home
    assert delivery.number.startswith(f"BRG-{TODAY:%Y}-")
    assert delivery.valuation == Decimal("8000000.00") and delivery.quantity == 1
    assert delivery.desa == home.village_id and handover.desa == home.village_id
    assert (delivery.reference_type, delivery.reference_id) == (
        "donors.goodsitem",
        str(computers.pk),
    )
    # Not a cash disbursement: no request, no commitment, no posting.
    assert not DisbursementRequest.objects.exists()
    assert not Transaction.objects.exists()


def test_the_household_aid_history_lists_goods_apart_from_cash_help(
    client, computers, home, personas
):
    goods_hand_on(
        item=computers,
        quantity=2,
        bast_number="BAST/H/2",
        date=TODAY,
        actor=personas["fund_manager"],
        household=home,
        programme=_any_programme(),
    )
    client.force_login(personas["fund_manager"])

    page = client.get(reverse("disbursements:household", args=[home.pk])).content.decode()

    assert "Bantuan barang" in page and "Komputer desktop" in page and "Rp16.000.000" in page


def _has(code):
    from funds.models import Programme

    return Programme.objects.filter(code=code, is_active=True).exists()


def _any_programme():
    from funds.models import Programme

    return Programme.objects.filter(is_active=True).order_by("code").first().code


def test_goods_for_a_household_without_a_valid_card_or_programme_are_refused(computers, personas):
    from tests.disbursements.conftest import family

    expired = family(valid=False)
    manager = personas["fund_manager"]
    with pytest.raises(DonorError, match="tidak layak"):
        goods_hand_on(
            item=computers,
            quantity=1,
            bast_number="B/1",
            date=TODAY,
            actor=manager,
            household=expired,
            programme=_any_programme(),
        )
    with pytest.raises(DonorError, match="program"):
        goods_hand_on(
            item=computers,
            quantity=1,
            bast_number="B/2",
            date=TODAY,
            actor=manager,
            household=family(),
            programme="bukan-program",
        )
    assert not InKindDelivery.objects.exists() and not GoodsHandover.objects.exists()


# --- the BAST and the page ----------------------------------------------------------------------
def test_each_hand_on_has_its_bast_with_value_place_before_date_and_signatures(
    client, computers, personas, org
):
    org.city = "Sragen"
    org.save()
    handover = to_facility(computers, personas["fund_manager"], 2, "BAST/P/1")
    client.force_login(personas["fund_manager"])

    response = client.get(reverse("donors:handover_bast", args=[handover.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "BERITA ACARA SERAH TERIMA BARANG" in text and "BAST/P/1" in text
    assert "Rp16.000.000" in text and "enam belas juta" in text.lower()
    assert "Kantor Desa Sukorejo" in text and "Sukorejo" in text and "Sambirejo" in text
    assert "Sragen, " in text  # the place before the date, above the signatures
    assert "Yang menerima" in text and "Yang menyerahkan" in text


def test_a_partner_reads_its_facility_bast_but_not_a_household_one(
    client, computers, home, personas
):
    manager = personas["fund_manager"]
    facility = to_facility(computers, manager, 1, "BAST/V/1", photos=[png()])
    family_one = goods_hand_on(
        item=computers,
        quantity=1,
        bast_number="BAST/V/2",
        date=TODAY,
        actor=manager,
        household=home,
        programme=_any_programme(),
        photos=[png()],
    )
    client.force_login(computers.pledge.partner.user)

    assert client.get(reverse("donors:handover_bast", args=[facility.pk])).status_code == 200
    photo = facility.photos.get()
    assert client.get(reverse("donors:handover_photo", args=[photo.pk])).status_code == 200
    assert client.get(reverse("donors:handover_bast", args=[family_one.pk])).status_code == 404
    hidden = family_one.photos.get()
    assert client.get(reverse("donors:handover_photo", args=[hidden.pk])).status_code == 404


def test_the_fund_manager_hands_on_through_the_page_with_the_desa_picked_by_name(
    client, computers, personas, org
):
    org.region_code = "33.14"
    org.save()
    client.force_login(personas["fund_manager"])
    url = reverse("donors:goods_hand_on", args=[computers.pk])
    page = client.get(url).content.decode()
    assert "Sukorejo" in page and 'name="district"' in page  # the area picker, not a typed code

    response = client.post(
        url,
        {
            "recipient": "facility",
            "quantity": "2",
            "bast_number": "BAST/W/1",
            "date": TODAY.isoformat(),
            "facility_name": "Balai Desa Sukorejo",
            "district": "33.14.05",
            "village_code": SUKOREJO,
            "photos": [png()],
        },
    )

    assert response.status_code == 302
    handover = GoodsHandover.objects.get()
    assert handover.desa == SUKOREJO and handover.photos.count() == 1
    bad = client.post(url, {**_base(), "recipient": "household"})
    assert "pilih rumah tangga" in bad.content.decode().lower()
    client.force_login(personas["auditor"])
    assert client.post(url, _base()).status_code == 403


def _base():
    return {
        "recipient": "facility",
        "quantity": "1",
        "bast_number": "BAST/W/2",
        "date": TODAY.isoformat(),
        "facility_name": "Balai",
        "village_code": SUKOREJO,
    }


# --- under concurrency ------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real row locks (select_for_update); SQLite serialises whole-database writes",
)
def test_two_hand_ons_at_once_never_give_away_more_than_was_received(org, personas):
    from beneficiaries.models import Region
    from beneficiaries.regions import load_regions
    from donors.csr import partner_register, partner_verify
    from tests.concurrency import run_at_once

    load_regions(Region)
    company = partner_register(
        user=personas["csr_partner"],
        legal_name="PT Semen Gresik Tbk",
        npwp="01.234.567.8-901.000",
        contact_name="Dewi",
        document=pdf_upload(),
    )
    partner = partner_verify(partner=company, approve=True, actor=personas["fund_manager"])
    item = received_computers(partner, personas["fund_manager"])
    managers = [personas["fund_manager"], personas["fund_manager"], personas["fund_manager"]]

    results, errors = run_at_once(3, lambda i: to_facility(item, managers[i], 2, f"BAST/C/{i}"))

    assert len(results) == 2 and len(errors) == 1
    assert isinstance(errors[0], DonorError) and "melebihi sisa" in errors[0].message
    item.refresh_from_db()
    assert item.handed_on_quantity == 4
    assert sum(h.quantity for h in GoodsHandover.objects.filter(item=item)) == 4


def test_a_part_worth_less_than_one_sen_is_refused_with_its_own_reason(regions, partner, personas):
    manager = personas["fund_manager"]
    item = received_computers(partner, manager, quantity=3)
    GoodsItem.objects.filter(pk=item.pk).update(valuation=Decimal("0.01"))
    item.refresh_from_db()
    with pytest.raises(DonorError, match="kurang dari Rp0,01"):
        to_facility(item, manager, 1, "BAST/S/1")
    assert not GoodsHandover.objects.exists()
    # Handed on whole, the goods keep their value.
    assert to_facility(item, manager, 3, "BAST/S/1").valuation == Decimal("0.01")


def test_the_household_is_searched_by_post_and_no_nik_travels_in_a_url(
    client, computers, home, personas
):
    from beneficiaries.models import Membership

    nik = Membership.objects.filter(household=home).first().person.nik
    client.force_login(personas["fund_manager"])
    url = reverse("donors:goods_hand_on", args=[computers.pk])
    page = client.get(url).content.decode()
    assert 'method="post" class="row g-2 col-lg-6 mb-2" role="search"' in page
    found = client.post(url, {"search": "1", "q": nik})
    body = found.content.decode()
    assert found.status_code == 200 and f"?household={home.pk}" in body
    assert nik not in body.split('name="q"')[0]  # only echoed back in the search box
    assert not GoodsHandover.objects.exists()  # a search records nothing
    # A search with nothing found says so; a read-only role may not search here.
    assert "Tidak ditemukan" in client.post(url, {"search": "1", "q": "9999"}).content.decode()
    client.force_login(personas["auditor"])
    assert client.post(url, {"search": "1", "q": nik}).status_code == 403
