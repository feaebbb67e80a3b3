"""The demo shows every programme in every state, a batch, photos, double aid refused and gaps."""

from django.core.management import call_command

from disbursements.models import Batch, DisbursementRequest, Evidence
from disbursements.selectors import coverage_by_desa
from funds.verify import ledger_verify


def test_the_demo_has_every_state_a_batch_photos_and_gaps(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    states = set(DisbursementRequest.objects.values_list("programme__code", "status"))
    for code in ("rtlh", "kesehatan", "pendidikan", "lansia", "darurat"):
        for status in (
            "submitted",
            "approved",
            "paid",
            "closed",
            "rejected",
            "cancelled",
            "reversed",
        ):
            assert (code, status) in states, (code, status)
    assert ("rtlh", "part_paid") in states and ("rtlh", "awaiting_head") in states
    assert Batch.objects.filter(status="approved").exists()
    assert Evidence.objects.filter(kind="photo_during").exists()
    assert "aturan bantuan ganda" in out
    assert any(row["unserved"] for row in coverage_by_desa())
    assert ledger_verify() == []
    count = DisbursementRequest.objects.count()
    call_command("seed_demo")
    assert DisbursementRequest.objects.count() == count
