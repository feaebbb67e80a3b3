"""CSR partners and their pledges: sign-up, verification, the pledge states, transfers, goods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from core.roles import Role
from donors.csr import (
    GoodsLine,
    goods_hand_on,
    goods_receive,
    instalment_reminders_send,
    partner_register,
    partner_verify,
    pledge_accept,
    pledge_cancel,
    pledge_create,
    pledge_submit,
    transfer_confirm,
    transfer_submit,
)
from donors.errors import DonorError
from donors.models import Partner, Pledge, Receipt, TransferProof
from funds.models import Account, Fund
from funds.verify import ledger_verify
from tests.conftest import make_user
from tests.donors.csr_fixtures import accepted_cash_pledge, pdf_upload

TODAY = dt.date.today()


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


# --- sign-up and verification --------------------------------------------------------------------
@pytest.mark.parametrize(
    "npwp", ["12345", "01.234.567.8-901.00A", "000000000000000", "01234567890123456"]
)
def test_it_refuses_an_npwp_that_is_not_15_or_16_digits(personas, npwp):
    with pytest.raises(DonorError, match="NPWP"):
        partner_register(
            user=personas["csr_partner"],
            legal_name="PT Contoh",
            npwp=npwp,
            contact_name="Dewi",
            document=pdf_upload(),
        )
    assert not Partner.objects.exists()


def test_it_refuses_a_company_document_that_is_not_a_pdf_or_image(personas):
    with pytest.raises(DonorError, match="Dokumen perusahaan"):
        partner_register(
            user=personas["csr_partner"],
            legal_name="PT Contoh",
            npwp="0123456789012345",
            contact_name="Dewi",
            document=SimpleUploadedFile("akta.pdf", b"<html>not a pdf</html>"),
        )


def test_sign_up_is_open_only_on_the_partner_page(client, db, org):
    general = client.post(
        "/akun/signup/",
        {"email": "x@pt.test", "password1": "Rahasia-uji-123", "password2": "Rahasia-uji-123"},
    )
    assert b"x@pt.test" not in general.content
    from core.models import User

    assert not User.objects.filter(email="x@pt.test").exists()


def test_a_company_signs_up_and_becomes_a_pending_csr_partner(client, db, org):
    from core.models import User

    response = client.post(
        reverse("donors:partner_signup"),
        {
            "email": "csr@pg.test",
            "password1": "Rahasia-uji-123",
            "password2": "Rahasia-uji-123",
            "legal_name": "PG Mojo (PT Perkebunan Nusantara)",
            "npwp": "01.234.567.8-901.000",
            "contact_name": "Budi",
            "document": pdf_upload(),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="csr@pg.test")
    assert user.roles == {Role.CSR_PARTNER}
    partner = Partner.objects.get(user=user)
    assert partner.status == Partner.Status.PENDING and partner.npwp == "012345678901000"
    assert partner.donor.kind == "company"


def test_sign_up_with_a_bad_npwp_creates_no_account(client, db, org):
    from core.models import User

    response = client.post(
        reverse("donors:partner_signup"),
        {
            "email": "csr@pg.test",
            "password1": "Rahasia-uji-123",
            "password2": "Rahasia-uji-123",
            "legal_name": "PT X",
            "npwp": "123",
            "contact_name": "Budi",
            "document": pdf_upload(),
        },
    )
    assert response.status_code == 200 and "NPWP tidak sah" in response.content.decode()
    assert not User.objects.filter(email="csr@pg.test").exists()


def test_pledges_of_an_unverified_partner_do_not_count(personas, csr_books):
    company = partner_register(
        user=personas["csr_partner"],
        legal_name="PT Bank Jateng",
        npwp="0123456789012345",
        contact_name="Rina",
        document=pdf_upload(),
    )
    pledge = pledge_create(
        partner=company,
        kind="cash",
        title="Beasiswa",
        total_amount=Decimal("1000000"),
        agreement_number="MoU/1",
        schedule=[(TODAY, Decimal("1000000"))],
        actor=personas["csr_partner"],
    )
    pledge_submit(pledge=pledge, actor=personas["csr_partner"])
    with pytest.raises(DonorError, match="Verifikasi perusahaan"):
        pledge_accept(pledge=pledge, fund=csr_books.umum, actor=personas["fund_manager"])


def test_only_a_fund_manager_verifies_a_partner(personas):
    company = partner_register(
        user=personas["csr_partner"],
        legal_name="PT X",
        npwp="0123456789012345",
        contact_name="Rina",
        document=pdf_upload(),
    )
    with pytest.raises(DonorError):
        partner_verify(partner=company, approve=True, actor=personas["csr_partner"])
    with pytest.raises(DonorError, match="Alasan"):
        partner_verify(partner=company, approve=False, actor=personas["fund_manager"])


# --- pledges -----------------------------------------------------------------------------------
def test_it_refuses_a_schedule_that_does_not_add_up_to_the_pledge(partner):
    with pytest.raises(DonorError, match="tidak sama dengan nilai janji"):
        pledge_create(
            partner=partner,
            kind="cash",
            title="Beasiswa",
            total_amount=Decimal("3000000"),
            schedule=[
                (TODAY, Decimal("1000000")),
                (TODAY + dt.timedelta(days=30), Decimal("1500000")),
            ],
            actor=partner.user,
        )
    assert not Pledge.objects.exists()


def test_it_refuses_goods_whose_values_do_not_add_up(partner):
    with pytest.raises(DonorError, match="Nilai barang"):
        pledge_create(
            partner=partner,
            kind="goods",
            title="Mobil",
            total_amount=Decimal("250000000"),
            goods=[GoodsLine("Mobil ambulans", 1, Decimal("200000000"), TODAY)],
            actor=partner.user,
        )


def test_it_refuses_a_programme_missing_from_the_registry(partner):
    with pytest.raises(DonorError, match="tidak terdaftar"):
        accepted_cash_pledge(partner, None, programme="kolam-renang")


def test_a_pledge_goes_from_draft_to_accepted_and_each_step_is_audited(
    partner, personas, csr_books
):
    from core.models import AuditEntry

    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)

    assert pledge.status == Pledge.Status.ACCEPTED and pledge.fund == csr_books.umum
    actions = set(
        AuditEntry.objects.filter(
            object_type="donors.pledge", object_id=str(pledge.pk)
        ).values_list("action", flat=True)
    )
    assert {"donors.pledge.created", "donors.pledge.submitted", "donors.pledge.accepted"} <= actions


def test_an_earmarked_pledge_gets_its_own_restricted_fund(partner, personas):
    pledge = accepted_cash_pledge(partner, personas, programme="rtlh", area="33.14.05")

    fund = pledge.fund
    assert fund.restriction == Fund.Restriction.RESTRICTED
    assert fund.allowed_programmes == ["rtlh"] and fund.allowed_areas == ["33.14.05"]


def test_the_partner_cannot_accept_its_own_pledge(partner, personas, csr_books):
    pledge = pledge_create(
        partner=partner,
        kind="cash",
        title="X",
        total_amount=Decimal("100000"),
        agreement_number="PKS/2",
        schedule=[(TODAY, Decimal("100000"))],
        actor=partner.user,
    )
    pledge_submit(pledge=pledge, actor=partner.user)
    with pytest.raises(DonorError, match="pengelola dana"):
        pledge_accept(pledge=pledge, fund=csr_books.umum, actor=partner.user)


def test_a_cancellation_needs_a_reason_and_only_before_money_arrived(partner, personas, csr_books):
    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    with pytest.raises(DonorError, match="Alasan"):
        pledge_cancel(pledge=pledge, reason=" ", actor=partner.user)

    pledge = pledge_cancel(pledge=pledge, reason="Anggaran CSR dipotong", actor=partner.user)

    assert pledge.status == Pledge.Status.CANCELLED
    with pytest.raises(DonorError):
        pledge_submit(pledge=pledge, actor=partner.user)


def test_another_partner_gets_404_on_a_pledge_that_is_not_theirs(
    client, partner, personas, csr_books
):
    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    other_user = make_user("csr@lain.test", [Role.CSR_PARTNER])
    partner_register(
        user=other_user,
        legal_name="PT Lain",
        npwp="0987654321098765",
        contact_name="Ani",
        document=pdf_upload(),
    )
    client.force_login(other_user)

    for name in ("pledge_detail", "pledge_report", "transfer_submit"):
        assert client.get(reverse(f"donors:{name}", args=[pledge.pk])).status_code == 404
    for name in ("pledge_cancel", "pledge_pay", "pledge_submit"):
        assert client.post(reverse(f"donors:{name}", args=[pledge.pk])).status_code == 404
    assert client.get(reverse("donors:partner_report", args=[partner.pk])).status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.ACCEPTED


# --- transfers ---------------------------------------------------------------------------------
def test_a_transfer_proof_that_is_not_an_image_or_pdf_is_refused(partner, personas, csr_books):
    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    with pytest.raises(DonorError, match="Bukti transfer"):
        transfer_submit(
            pledge=pledge,
            amount=Decimal("1000000"),
            transferred_on=TODAY,
            proof=SimpleUploadedFile("bukti.jpg", b"MZ\x90\x00 an executable"),
            actor=partner.user,
        )
    assert not TransferProof.objects.exists()


def test_a_confirmed_transfer_books_the_gift_and_counts_towards_the_pledge(
    partner, personas, csr_books
):
    pledge = accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    transfer = transfer_submit(
        pledge=pledge,
        amount=Decimal("1000000"),
        transferred_on=TODAY,
        proof=SimpleUploadedFile("bukti.png", png_bytes()),
        actor=partner.user,
    )
    with pytest.raises(DonorError):
        transfer_confirm(transfer=transfer, location=csr_books.bank, actor=partner.user)

    transfer = transfer_confirm(
        transfer=transfer, location=csr_books.bank, actor=personas["fund_manager"]
    )

    assert transfer.contribution.receipt.status == Receipt.Status.VALID
    pledge.refresh_from_db()
    assert pledge.received_amount == Decimal("1000000") and pledge.status == "partly_fulfilled"
    assert Account.objects.get(location=csr_books.bank).balance == Decimal("1000000")
    assert ledger_verify() == []


# --- goods in kind -----------------------------------------------------------------------------
def test_goods_are_received_with_a_bast_and_handed_on_apart_from_cash(partner, personas):
    pledge = pledge_create(
        partner=partner,
        kind="goods",
        title="Mobil dan komputer",
        total_amount=Decimal("260000000"),
        agreement_number="PKS/3",
        goods=[
            GoodsLine("Mobil operasional", 1, Decimal("200000000"), TODAY),
            GoodsLine("Komputer", 6, Decimal("10000000"), TODAY),
        ],
        actor=partner.user,
    )
    pledge_submit(pledge=pledge, actor=partner.user)
    pledge = pledge_accept(pledge=pledge, actor=personas["fund_manager"])
    manager = personas["fund_manager"]
    car, computers = pledge.goods.order_by("pk")

    with pytest.raises(DonorError, match="BAST"):
        goods_receive(
            item=car, bast_number="", received_on=TODAY, valuation=Decimal("1"), actor=manager
        )
    goods_receive(
        item=car,
        bast_number="BAST/01",
        received_on=TODAY,
        valuation=Decimal("195000000"),
        actor=manager,
    )
    goods_receive(
        item=computers,
        bast_number="BAST/02",
        received_on=TODAY,
        valuation=Decimal("60000000"),
        actor=manager,
    )
    from beneficiaries.models import Region
    from beneficiaries.regions import load_regions

    load_regions(Region)
    with pytest.raises(DonorError, match="Foto penyerahan"):
        goods_hand_on(
            item=car,
            quantity=1,
            facility_name="Puskesmas Sambirejo",
            desa="33.14.05.2001",
            bast_number="BAST/K/01",
            date=TODAY,
            actor=manager,
            photos=[SimpleUploadedFile("serah.jpg", b"%PDF-1.4 not a photo")],
        )
    handover = goods_hand_on(
        item=car,
        quantity=1,
        facility_name="Puskesmas Sambirejo",
        desa="33.14.05.2001",
        bast_number="BAST/K/01",
        date=TODAY,
        actor=manager,
        photos=[SimpleUploadedFile("serah.png", png_bytes())],
    )

    pledge.refresh_from_db()
    car.refresh_from_db()
    assert pledge.status == Pledge.Status.FULFILLED
    assert car.status == "handed_on" and handover.bast_number == "BAST/K/01"
    assert handover.valuation == Decimal("195000000.00")
    assert handover.photos.get().stored.kind == "png"
    assert not Account.objects.exclude(balance=0).exists()  # nothing entered the cash ledger


# --- reminders ---------------------------------------------------------------------------------
def test_reminders_mail_due_and_overdue_instalments_once_a_day(partner, personas, csr_books):
    accepted_cash_pledge(partner, personas, fund=csr_books.umum)

    assert instalment_reminders_send(today=TODAY) == 1
    assert instalment_reminders_send(today=TODAY) == 0
    body = mail.outbox[0].body
    assert "terlambat" in body and mail.outbox[0].to == [partner.user.email]
    assert body.count("Rp") == 2  # the overdue one and the one due in 3 days, not the one in 60


def test_the_reminder_command_does_what_the_beat_task_does(partner, personas, csr_books):
    from io import StringIO

    accepted_cash_pledge(partner, personas, fund=csr_books.umum)
    out = StringIO()
    call_command("send_instalment_reminders", stdout=out)
    assert "1" in out.getvalue() and len(mail.outbox) == 1
