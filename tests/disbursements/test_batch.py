"""A school list becomes one batch: every line checked, refused whole on one bad line, approved once, paid per school."""

from decimal import Decimal

import pytest

from disbursements.errors import DisbursementError
from disbursements.models import Batch, DisbursementRequest
from disbursements.services import batch_approve, batch_create, batch_pay
from funds.models import Commitment
from funds.selectors import fund_available, fund_balance
from funds.verify import ledger_verify
from tests.disbursements.conftest import family, pupil

D = Decimal
S = DisbursementRequest.Status


def pupils(n, level="sd"):
    return [pupil(family(), level) for _ in range(n)]


def csv_of(rows, sep=";"):
    lines = [sep.join(["NIK", "NAMA", "JUMLAH", "SEKOLAH"])]
    for person, amount, school in rows:
        lines.append(sep.join([person.nik, person.name, amount, school]))
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def test_a_school_list_goes_from_file_to_payments(aid):
    kids = pupils(3) + pupils(1, "sma")
    rows = [(k, "375.000", "SDN 1 Keden") for k in kids[:2]]
    rows += [(kids[2], "400.000", "SDN 2 Keden"), (kids[3], "600.000", "SMAN 1 Kalijambe")]
    batch = batch_create(
        data=csv_of(rows),
        filename="murid.csv",
        programme=aid.p["pendidikan"],
        fund=aid.infak,
        actor=aid.verifier,
    )
    assert batch.lines == 4 and batch.total == D("1750000")
    assert batch.requests.filter(status=S.SUBMITTED).count() == 4
    with pytest.raises(DisbursementError, match="Pemohon"):
        batch_approve(batch=batch, actor=aid.verifier)
    batch_approve(batch=batch, actor=aid.treasurer)
    assert fund_available(fund=aid.infak) == D("18250000")
    paid = batch_pay(
        batch=batch,
        actor=aid.treasurer,
        location=aid.bank,
        method="transfer",
        date=aid.today,
        idempotency_key="sdn1",
        payee_name="SDN 1 Keden",
    )
    assert paid == 2
    again = batch_pay(
        batch=batch,
        actor=aid.treasurer,
        location=aid.bank,
        method="transfer",
        date=aid.today,
        idempotency_key="sdn1",
        payee_name="SDN 1 Keden",
    )
    assert again == 0
    batch_pay(
        batch=batch,
        actor=aid.treasurer,
        location=aid.bank,
        method="transfer",
        date=aid.today,
        idempotency_key="rest",
    )
    assert batch.requests.filter(status=S.PAID).count() == 4
    assert fund_balance(fund=aid.infak) == D("18250000") == fund_available(fund=aid.infak)
    assert (
        Commitment.objects.get(
            reference_id=str(batch.pk), reference_type="disbursements.batch"
        ).status
        == "paid"
    )
    assert ledger_verify() == []


def test_a_pupil_already_helped_this_school_year_refuses_the_whole_file(aid, ask):
    kids = pupils(2)
    home = kids[0].memberships.get().household
    earlier = ask(home, "pendidikan", member=kids[0], fund=aid.matra)
    rows = [(k, "375.000", "SDN 1 Keden") for k in kids]
    with pytest.raises(DisbursementError) as caught:
        batch_create(
            data=csv_of(rows),
            filename="murid.csv",
            programme=aid.p["pendidikan"],
            fund=aid.infak,
            actor=aid.verifier,
        )
    assert "Baris 2" in caught.value.message and earlier.number in caught.value.message
    assert not Batch.objects.exists() and DisbursementRequest.objects.count() == 1


def test_an_unknown_pupil_or_a_bad_amount_names_the_line(aid):
    kids = pupils(1)
    data = csv_of([(kids[0], "375.000", "SDN 1")]) + b"3314019999990001;Siapa;375.000;SDN 1\n"
    with pytest.raises(DisbursementError, match="Baris 3, kolom NIK: NIK tidak terdaftar"):
        batch_create(
            data=data,
            filename="murid.csv",
            programme=aid.p["pendidikan"],
            fund=aid.infak,
            actor=aid.verifier,
        )
    with pytest.raises(DisbursementError, match="Baris 2, kolom JUMLAH: .*format angka Inggris"):
        batch_create(
            data=csv_of([(kids[0], "375,000.00", "SDN 1")]),
            filename="murid.csv",
            programme=aid.p["pendidikan"],
            fund=aid.infak,
            actor=aid.verifier,
        )
    with pytest.raises(DisbursementError, match="di luar rentang"):
        batch_create(
            data=csv_of([(kids[0], "700.000", "SDN 1")]),
            filename="murid.csv",
            programme=aid.p["pendidikan"],
            fund=aid.infak,
            actor=aid.verifier,
        )
    assert not DisbursementRequest.objects.exists()


def test_the_same_file_twice_and_the_same_pupil_twice_are_refused(aid):
    kid = pupils(1)[0]
    with pytest.raises(DisbursementError, match="sudah ada di baris 2"):
        batch_create(
            data=csv_of([(kid, "375.000", "SDN 1"), (kid, "375.000", "SDN 1")]),
            filename="m.csv",
            programme=aid.p["pendidikan"],
            fund=aid.infak,
            actor=aid.verifier,
        )
    data = csv_of([(kid, "375.000", "SDN 1")])
    batch = batch_create(
        data=data,
        filename="m.csv",
        programme=aid.p["pendidikan"],
        fund=aid.infak,
        actor=aid.verifier,
    )
    with pytest.raises(DisbursementError, match=batch.number):
        batch_create(
            data=data,
            filename="m.csv",
            programme=aid.p["pendidikan"],
            fund=aid.infak,
            actor=aid.verifier,
        )


def test_an_xlsx_list_is_read_as_well(aid):
    from core.exports import xlsx_bytes

    kid = pupils(1, "smp")[0]
    data = xlsx_bytes(["NIK", "JUMLAH", "SEKOLAH"], [[kid.nik, "350000", "SMPN 1"]])
    batch = batch_create(
        data=data,
        filename="murid.xlsx",
        programme=aid.p["pendidikan"],
        fund=aid.infak,
        actor=aid.verifier,
    )
    assert batch.total == D("350000")


def test_a_batch_above_the_threshold_is_approved_by_the_head(aid):
    from disbursements.models import Policy

    Policy.objects.create(second_approval_above=D("500000"))
    kids = pupils(2)
    batch = batch_create(
        data=csv_of([(k, "375.000", "SDN 1") for k in kids]),
        filename="m.csv",
        programme=aid.p["pendidikan"],
        fund=aid.infak,
        actor=aid.verifier,
    )
    with pytest.raises(DisbursementError, match="kepala UPT"):
        batch_approve(batch=batch, actor=aid.treasurer)
    batch_approve(batch=batch, actor=aid.head)
    assert batch.requests.filter(status=S.APPROVED).count() == 2
