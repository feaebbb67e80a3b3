"""The screens: each role gets what it may do, refusals are shown, PDFs read back."""

import io
from decimal import Decimal

from django.urls import reverse
from pypdf import PdfReader

from disbursements.models import DisbursementRequest
from disbursements.services import disbursement_approve
from tests.disbursements.conftest import family

D = Decimal
S = DisbursementRequest.Status


def form_data(aid, home, **kw):
    data = {
        "household": home.pk,
        "programme": aid.p["rtlh"].pk,
        "fund": aid.csr.pk,
        "amount": "5.000.000",
        "payee_kind": "supplier",
        "payee_name": "Toko Bangunan Maju",
        "submit": "1",
    }
    data.update(kw)
    return data


def test_a_verifier_asks_through_the_form(aid, login):
    home = family()
    client = login(aid.verifier)
    page = client.get(reverse("disbursements:new"), {"household": home.pk})
    assert page.status_code == 200 and "Periksa syarat" in page.content.decode()
    response = client.post(reverse("disbursements:new"), form_data(aid, home))
    req = DisbursementRequest.objects.get()
    assert response["Location"] == reverse("disbursements:request", kwargs={"pk": req.pk})


def test_the_form_explains_each_refusal_and_keeps_nothing(aid, login):
    home = family(village="33.14.05.2002")
    client = login(aid.verifier)
    page = client.post(reverse("disbursements:new"), form_data(aid, home, amount="4.000.000"))
    text = page.content.decode()
    assert "ditetapkan Rp5.000.000" in text and "hanya untuk wilayah 33.14.01" in text
    assert not DisbursementRequest.objects.exists()


def test_the_live_check_answers_the_htmx_call(aid, login):
    home = family()
    client = login(aid.verifier)
    ok = client.post(reverse("disbursements:check"), form_data(aid, home), HTTP_HX_REQUEST="true")
    assert "Semua syarat terpenuhi" in ok.content.decode()
    assert "CSR RTLH Kalijambe" in ok.content.decode()
    bad = client.post(
        reverse("disbursements:check"), form_data(aid, home, amount="5,000,000")
    ).content.decode()
    assert "format angka Inggris" in bad
    assert client.get(reverse("disbursements:check")).status_code == 405
    assert login(aid.auditor).post(reverse("disbursements:check"), {}).status_code == 403


def test_the_form_finds_the_household_by_nik(aid, login):
    home = family()
    nik = home.memberships.first().person.nik
    page = login(aid.verifier).get(reverse("disbursements:new"), {"q": nik}).content.decode()
    assert f"?household={home.pk}" in page


def test_approve_pay_and_documents_through_the_screens(aid, ask, login):
    req = ask(family(), "darurat", amount="1.000.000")
    treasurer = login(aid.treasurer)
    queue = treasurer.get(reverse("disbursements:approvals")).content.decode()
    assert req.number in queue and "Rp50.000.000" in queue
    treasurer.post(reverse("disbursements:approve", kwargs={"pk": req.pk}))
    req.refresh_from_db()
    assert req.status == S.APPROVED
    assert req.number in treasurer.get(reverse("disbursements:payments")).content.decode()
    form = treasurer.get(reverse("disbursements:pay", kwargs={"pk": req.pk}))
    key = form.context["form"].initial["idempotency_key"]
    data = {
        "amount": "1.000.000",
        "location": aid.bank.pk,
        "method": "transfer",
        "date": aid.today.isoformat(),
        "idempotency_key": key,
    }
    treasurer.post(reverse("disbursements:pay", kwargs={"pk": req.pk}), data)
    treasurer.post(reverse("disbursements:pay", kwargs={"pk": req.pk}), data)  # double click
    req.refresh_from_db()
    assert req.status == S.PAID and req.payments.count() == 1
    spm = treasurer.get(reverse("disbursements:spm", kwargs={"pk": req.pk}))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(spm.content)).pages)
    assert "SURAT PERINTAH MEMBAYAR" in text and req.number in text and "Rp1.000.000" in text
    assert "satu juta rupiah" in text.lower()
    bast = treasurer.get(reverse("disbursements:bast", kwargs={"pk": req.pk}))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(bast.content)).pages)
    assert "BERITA ACARA SERAH TERIMA" in text and "Bantuan keadaan darurat" in text
    nik = req.household.memberships.first().person.nik
    assert nik not in text and req.household.kk_number not in text


def test_the_public_check_page_shows_nothing_personal(aid, ask, client):
    req = ask(family(), "darurat")
    page = client.get(reverse("disbursements:public_check", kwargs={"token": req.check_token}))
    text = page.content.decode()
    assert page.status_code == 200 and req.number in text and "Toko" not in text
    assert "Warga" not in text and req.household.village.name not in text
    assert (
        client.get(reverse("disbursements:public_check", kwargs={"token": "palsu"})).status_code
        == 404
    )


def test_a_pay_above_the_approved_amount_is_shown_as_an_error(aid, ask, login):
    req = disbursement_approve(request=ask(family(), "darurat"), actor=aid.treasurer)
    page = login(aid.treasurer).post(
        reverse("disbursements:pay", kwargs={"pk": req.pk}),
        {
            "amount": "1.000.001",
            "location": aid.bank.pk,
            "method": "transfer",
            "date": aid.today.isoformat(),
            "idempotency_key": "x",
        },
    )
    assert "melebihi sisa" in page.content.decode()


def test_the_requester_sees_why_they_cannot_approve(aid, ask, login):
    from core.services import user_roles_set

    user_roles_set(user=aid.treasurer, roles=["treasurer", "verifier"], actor=None)
    req = ask(family(), "darurat", actor=aid.treasurer)
    response = login(aid.treasurer).post(
        reverse("disbursements:approve", kwargs={"pk": req.pk}), follow=True
    )
    assert "Pemohon tidak boleh menyetujui" in response.content.decode()


def test_read_only_roles_are_refused_writes_and_outsiders_see_nothing(aid, ask, login, personas):
    req = ask(family(), "darurat")
    url = reverse("disbursements:approve", kwargs={"pk": req.pk})
    assert login(aid.auditor).post(url).status_code == 403
    assert login(aid.verifier).post(url).status_code == 403
    assert login(personas["outsider"]).get(reverse("disbursements:list")).status_code == 404
    assert login(aid.treasurer).get(url).status_code == 405


def test_household_history_and_coverage_show_who_is_missed(aid, ask, pay, login):
    helped, missed = family(), family()
    req = disbursement_approve(request=ask(helped, "darurat"), actor=aid.treasurer)
    pay(req, "1000000")
    client = login(aid.head)
    history = client.get(reverse("disbursements:household", kwargs={"pk": helped.pk}))
    assert req.number in history.content.decode()
    page = client.get(reverse("disbursements:coverage"))
    row = next(r for r in page.context["table"].data.data if r["desa"] == "33.14.01.2001")
    assert (row["eligible"], row["served"], row["unserved"]) == (2, 1, 1)
    assert row["amount"] == D("1000000")
    detail = client.get(reverse("disbursements:coverage"), {"desa": "33.14.01.2001"})
    pks = [h.pk for h in detail.context["unserved"].data.data]
    assert pks == [missed.pk]
    export = client.get(reverse("disbursements:coverage"), {"export": "csv"})
    assert export.status_code == 200 and b"33.14.01.2001" in b"".join(export.streaming_content)


def test_the_treasurers_panel_counts_what_waits(aid, ask, login):
    ask(family(), "darurat")
    page = login(aid.treasurer).get(reverse("core:dashboard")).content.decode()
    assert "Bantuan menunggu" in page and "Menunggu persetujuan: <b>1</b>" in page


def test_evidence_upload_refuses_the_wrong_type_and_serves_the_right_one(aid, ask, login):
    from PIL import Image

    req = disbursement_approve(request=ask(family(), "darurat"), actor=aid.treasurer)
    client = login(aid.verifier)
    url = reverse("disbursements:evidence", kwargs={"pk": req.pk})
    bad = io.BytesIO(b"<html><script>alert(1)</script></html>")
    bad.name = "foto.jpg"
    page = client.post(url, {"kind": "photo_before", "file": bad}, follow=True)
    assert "bukan" in page.content.decode() and not req.evidence.exists()
    good = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(good, "JPEG")
    good.seek(0)
    good.name = "rumah.jpg"
    client.post(url, {"kind": "photo_before", "file": good})
    evidence = req.evidence.get()
    served = client.get(reverse("disbursements:evidence_file", kwargs={"pk": evidence.pk}))
    assert served["Content-Type"] == "image/jpeg" and "sandbox" in served["Content-Security-Policy"]


def test_the_programme_dashboard_sums_paid_aid(aid, ask, pay, login):
    req = disbursement_approve(request=ask(family(), "darurat"), actor=aid.treasurer)
    pay(req, "1000000")
    page = login(aid.head).get(reverse("disbursements:dashboard"))
    row = page.context["data"]["by_programme"][0]
    assert row["amount"] == D("1000000") and row["households"] == 1


def test_the_aid_history_page_costs_the_same_queries_for_one_or_many_requests(aid, ask, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home = family()
    child = home.memberships.order_by("-pk").first().person
    ask(home, "darurat")
    client = login(aid.auditor)
    url = reverse("disbursements:household", kwargs={"pk": home.pk})
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    ask(home, "kesehatan", member=child)
    ask(home, "lansia", member=child)
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three.captured_queries) == len(one.captured_queries)
