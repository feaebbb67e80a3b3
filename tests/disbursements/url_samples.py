"""Arguments for the disbursements URLs (see tests/core/test_url_access.py)."""

from disbursements.models import Batch, DisbursementRequest, Evidence


def _request(personas):
    from disbursements.models import ProgrammeRule
    from disbursements.rules import SHIPPED_FROM
    from funds.models import Fund, Programme
    from tests.disbursements.conftest import family

    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    home = family()
    programme = Programme.objects.get(code="darurat")
    req = DisbursementRequest.objects.create(
        number=f"PB-UJI-{home.pk}",
        programme=programme,
        rule=ProgrammeRule.objects.get(programme=programme, valid_from=SHIPPED_FROM),
        household=home,
        fund=fund,
        amount=1000000,
        desa=home.village_id,
        kecamatan=home.village.parent_id,
        payee_kind="household",
        payee_name="Warga",
        requested_by=personas["verifier"],
    )
    return req


def _request_kwargs(personas):
    return {"pk": _request(personas).pk}


def _household(personas):
    return {"pk": _request(personas).household_id}


def _token(personas):
    return {"token": _request(personas).check_token}


def _evidence(personas):
    import io

    from PIL import Image

    from core.uploads import stored_file_save

    req = _request(personas)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    stored = stored_file_save(
        upload=buf.getvalue(), purpose="disbursement_evidence", allowed=("png",)
    )
    evidence = Evidence.objects.create(
        request=req, kind="photo_before", stored=stored, uploaded_by=personas["verifier"]
    )
    return {"pk": evidence.pk}


def _batch(personas):
    from funds.models import Fund, Programme

    fund, _ = Fund.objects.get_or_create(code="matra", defaults={"name": "MATRA"})
    batch = Batch.objects.create(
        number="BT-UJI",
        programme=Programme.objects.get(code="pendidikan"),
        fund=fund,
        filename="murid.csv",
        file_sha256="0" * 64,
        requested_by=personas["verifier"],
    )
    return {"pk": batch.pk}


SAMPLES = {
    "disbursements:household": _household,
    "disbursements:request": _request_kwargs,
    "disbursements:approve": _request_kwargs,
    "disbursements:reject": _request_kwargs,
    "disbursements:cancel": _request_kwargs,
    "disbursements:reverse": _request_kwargs,
    "disbursements:pay": _request_kwargs,
    "disbursements:evidence": _request_kwargs,
    "disbursements:evidence_file": _evidence,
    "disbursements:close": _request_kwargs,
    "disbursements:spm": _request_kwargs,
    "disbursements:bast": _request_kwargs,
    "disbursements:public_check": _token,
    "disbursements:batch": _batch,
    "disbursements:batch_approve": _batch,
    "disbursements:batch_pay": _batch,
}
