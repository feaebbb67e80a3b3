"""From approval to closing: maker is not checker, the head above the threshold, stages, proof."""

import io
from decimal import Decimal

import pytest
from PIL import Image

from disbursements.errors import DisbursementError
from disbursements.models import DisbursementRequest, EvidenceKind, Policy
from disbursements.selectors import public_aid_summary, public_completed_rehabs
from disbursements.services import (
    disbursement_approve,
    disbursement_cancel,
    disbursement_close,
    disbursement_reject,
    disbursement_reverse,
    evidence_add,
)
from funds.models import Commitment, Transaction
from funds.selectors import fund_available, fund_balance
from funds.verify import ledger_verify
from tests.disbursements.conftest import family, pupil

D = Decimal
S = DisbursementRequest.Status


def photo(colour="red", fmt="PNG") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, fmt)
    buf.seek(0)
    buf.name = "foto.png"
    return buf


def approved(aid, req):
    req = disbursement_approve(request=req, actor=aid.treasurer)
    if req.status == S.AWAITING_HEAD:
        req = disbursement_approve(request=req, actor=aid.head)
    return req


def test_the_requester_cannot_approve_their_own_request(aid, ask, personas):
    from core.services import user_roles_set

    user_roles_set(user=aid.treasurer, roles=["treasurer", "fund_manager"], actor=None)
    aid.treasurer.refresh_from_db()
    req = ask(family(), "darurat", actor=aid.treasurer)
    with pytest.raises(DisbursementError, match="Pemohon tidak boleh"):
        disbursement_approve(request=req, actor=aid.treasurer)


def test_a_verifier_or_auditor_cannot_approve(aid, ask):
    req = ask(family(), "darurat")
    with pytest.raises(DisbursementError, match="bendahara atau kepala"):
        disbursement_approve(request=req, actor=aid.auditor)


def test_below_the_threshold_one_approval_reserves_the_money(aid, ask):
    req = ask(family(), "darurat", amount="1.000.000")
    req = disbursement_approve(request=req, actor=aid.treasurer)
    assert req.status == S.APPROVED
    commitment = Commitment.objects.get(reference_id=str(req.pk))
    assert (commitment.programme, commitment.area) == ("darurat", "33.14.01.2001")
    assert fund_available(fund=aid.matra) == D("49000000")


def test_above_the_threshold_the_head_gives_the_second_approval(aid, ask):
    req = ask(family())
    req = disbursement_approve(request=req, actor=aid.treasurer)
    assert req.status == S.AWAITING_HEAD and fund_available(fund=aid.matra) == D("50000000")
    with pytest.raises(DisbursementError, match="hanya oleh kepala"):
        disbursement_approve(request=req, actor=aid.treasurer)
    req = disbursement_approve(request=req, actor=aid.head)
    assert req.status == S.APPROVED and req.second_approved_by == aid.head
    assert fund_available(fund=aid.matra) == D("45000000")


def test_the_threshold_is_an_organisation_setting(aid, ask):
    Policy.objects.create(second_approval_above=D("10000000"))
    req = disbursement_approve(request=ask(family()), actor=aid.treasurer)
    assert req.status == S.APPROVED


def test_approving_again_an_approved_cancelled_or_paid_request_is_refused(aid, ask, pay):
    req = approved(aid, ask(family(), "darurat"))
    with pytest.raises(DisbursementError, match="berstatus Disetujui"):
        disbursement_approve(request=req, actor=aid.head)
    cancelled = ask(family(), "darurat")
    disbursement_cancel(request=cancelled, actor=aid.verifier, reason="Keluarga pindah")
    with pytest.raises(DisbursementError, match="berstatus Dibatalkan"):
        disbursement_approve(request=cancelled, actor=aid.treasurer)
    pay(req, "1000000")
    with pytest.raises(DisbursementError, match="berstatus Dibayar"):
        disbursement_approve(request=req, actor=aid.treasurer)


def test_a_rejection_needs_a_reason_and_is_not_by_the_requester(aid, ask):
    req = ask(family(), "darurat")
    with pytest.raises(DisbursementError, match="alasan"):
        disbursement_reject(request=req, actor=aid.treasurer, reason=" ")
    with pytest.raises(DisbursementError, match="Pemohon"):
        disbursement_reject(request=req, actor=aid.verifier, reason="x")
    req = disbursement_reject(request=req, actor=aid.treasurer, reason="Surat tidak sah")
    assert req.status == S.REJECTED and req.decided_reason == "Surat tidak sah"


def test_an_approval_that_the_fund_can_no_longer_cover_is_told_why(aid, ask):
    first = ask(family(), "rtlh", fund=aid.csr)
    second = ask(family(), "rtlh", fund=aid.csr)
    third = ask(family(), "rtlh", fund=aid.csr)
    approved(aid, first)
    approved(aid, second)
    disbursement_approve(request=third, actor=aid.treasurer)
    with pytest.raises(DisbursementError, match="tidak cukup"):
        disbursement_approve(request=third, actor=aid.head)
    assert DisbursementRequest.objects.get(pk=third.pk).status == S.AWAITING_HEAD


def test_a_house_rehab_is_paid_in_two_stages_and_closed_with_photos(aid, ask, pay):
    req = approved(
        aid, ask(family(), "rtlh", fund=aid.csr, publication_consent=True, photos_consent=True)
    )
    pay(req, "3.000.000", stage_note="Bahan bangunan")
    req.refresh_from_db()
    assert req.status == S.PART_PAID and req.remaining == D("2000000")
    with pytest.raises(DisbursementError, match="melebihi sisa"):
        pay(req, "2.000.001")
    with pytest.raises(DisbursementError, match="Bukti belum lengkap"):
        disbursement_close(request=req, actor=aid.treasurer)
    pay(req, "2.000.000", stage_note="Sisa setelah foto pertengahan")
    req.refresh_from_db()
    assert req.status == S.PAID
    txns = Transaction.objects.filter(reference_id=str(req.pk), kind="disbursement")
    assert {(t.programme, t.area) for t in txns} == {("rtlh", "33.14.01.2001")}
    for kind in ("photo_before", "photo_during", "photo_after"):
        evidence_add(request=req, kind=kind, upload=photo(), actor=aid.verifier)
    evidence_add(request=req, kind="bast", upload=photo("white"), actor=aid.treasurer)
    req = disbursement_close(request=req, actor=aid.treasurer)
    assert req.status == S.CLOSED and req.guard_key is None
    assert fund_balance(fund=aid.csr) == D("5000000") == fund_available(fund=aid.csr)
    assert ledger_verify() == []
    rehabs = public_completed_rehabs(date_from=aid.today, date_to=aid.today)
    assert rehabs == [
        {
            "desa": "33.14.01.2001",
            "kecamatan": "33.14.01",
            "completed_on": aid.today,
            "initials": "W***",  # the head is "Warga 1": a number is no initial
            "photos_consented": True,
        }
    ]


def test_a_payment_twice_with_the_same_form_key_posts_once(aid, ask, pay):
    req = approved(aid, ask(family(), "darurat"))
    first = pay(req, "400000", key="k-1")
    again = pay(req, "400000", key="k-1")
    assert first.pk == again.pk
    assert Transaction.objects.filter(reference_id=str(req.pk)).count() == 1


def test_closing_early_releases_the_unpaid_remainder(aid, ask, pay):
    req = approved(aid, ask(family(), "darurat", amount="2000000"))
    pay(req, "1500000")
    evidence_add(request=req, kind="bast", upload=photo(), actor=aid.treasurer)
    disbursement_close(request=req, actor=aid.treasurer)
    assert fund_available(fund=aid.matra) == D("48500000")
    assert ledger_verify() == []


def test_evidence_of_the_wrong_type_or_too_large_is_refused(aid, ask):
    req = approved(aid, ask(family(), "darurat"))
    fake = io.BytesIO(b"MZ\x90\x00 not a photo")
    fake.name = "foto.jpg"
    with pytest.raises(DisbursementError, match="bukan"):
        evidence_add(request=req, kind="photo_before", upload=fake, actor=aid.verifier)
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(DisbursementError, match="bukan"):
        evidence_add(request=req, kind="photo_after", upload=pdf, actor=aid.verifier)
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10))
    with pytest.raises(DisbursementError, match="terlalu besar"):
        evidence_add(request=req, kind="bast", upload=big, actor=aid.verifier)
    assert not req.evidence.exists()


def test_cancelling_an_approved_request_releases_its_money(aid, ask):
    req = approved(aid, ask(family(), "darurat"))
    with pytest.raises(DisbursementError, match="alasan"):
        disbursement_cancel(request=req, actor=aid.treasurer, reason="")
    disbursement_cancel(request=req, actor=aid.treasurer, reason="Keluarga sudah dibantu desa")
    assert fund_available(fund=aid.matra) == D("50000000")
    assert Commitment.objects.get(reference_id=str(req.pk)).status == "released"


def test_a_paid_request_is_corrected_only_by_reversal(aid, ask, pay):
    req = approved(aid, ask(family(), "darurat"))
    pay(req, "600000")
    with pytest.raises(DisbursementError, match="pembalikan"):
        disbursement_cancel(request=req, actor=aid.treasurer, reason="salah")
    with pytest.raises(DisbursementError, match="bendahara atau kepala"):
        disbursement_reverse(request=req, actor=aid.verifier, reason="salah")
    req = disbursement_reverse(request=req, actor=aid.treasurer, reason="Salah rekening")
    assert req.status == S.REVERSED
    assert fund_balance(fund=aid.matra) == D("50000000") == fund_available(fund=aid.matra)
    payment = req.payments.get()
    assert payment.reversal.reverses == payment.transaction
    assert ledger_verify() == []
    assert public_aid_summary(date_from=aid.today, date_to=aid.today) == []


def test_the_public_summary_counts_households_persons_and_houses(aid, ask, pay):
    home = family(members=4)
    req = approved(aid, ask(home, "rtlh"))
    pay(req, "5000000")
    child = pupil(family(members=2), "sd")
    school = approved(aid, ask(child.memberships.get().household, "pendidikan", member=child))
    pay(school, "375000")
    rows = public_aid_summary(date_from=aid.today, date_to=aid.today)
    by_code = {r["programme"]: r for r in rows}
    assert by_code["rtlh"]["households"] == 1 and by_code["rtlh"]["persons"] == 4
    assert by_code["rtlh"]["amount"] == D("5000000") and by_code["rtlh"]["desa"] == "33.14.01.2001"
    assert (
        by_code["pendidikan"]["persons"] == 1 and by_code["pendidikan"]["kecamatan"] == "33.14.01"
    )
    assert by_code["rtlh"]["houses_completed"] == 0
    assert (
        public_aid_summary(date_from=aid.today, date_to=aid.today, fund_code="infak-mitra-kenanga")
        == []
    )
    evidence_kinds = [
        EvidenceKind.PHOTO_BEFORE,
        EvidenceKind.PHOTO_DURING,
        EvidenceKind.PHOTO_AFTER,
        EvidenceKind.BAST,
    ]
    for kind in evidence_kinds:
        evidence_add(request=req, kind=kind, upload=photo(), actor=aid.verifier)
    disbursement_close(request=req, actor=aid.treasurer)
    rows = public_aid_summary(date_from=aid.today, date_to=aid.today)
    assert {r["programme"]: r for r in rows}["rtlh"]["houses_completed"] == 1
    assert public_completed_rehabs(date_from=aid.today, date_to=aid.today)[0]["initials"] == ""
