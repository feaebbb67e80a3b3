import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from funds.models import ClosedPeriod, StatementSignoff, Transaction
from funds.selectors import fund_balance

D = Decimal


def test_the_fund_list_shows_balance_and_available_to_readers(ledger, give, login, personas):
    give(ledger.matra, "1500000")
    for role in ("fund_manager", "treasurer", "head", "auditor"):
        response = login(personas[role]).get(reverse("funds:list"))
        assert response.status_code == 200
        assert "Rp1.500.000" in response.content.decode()
    assert login(personas["outsider"]).get(reverse("funds:list")).status_code == 404
    assert login(personas["verifier"]).get(reverse("funds:list")).status_code == 404


def test_the_fund_list_exports_csv(ledger, give, login, personas):
    give(ledger.matra, "1500000")
    response = login(personas["auditor"]).get(reverse("funds:list") + "?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "MATRA" in body and "1500000" in body


def test_a_funds_ledger_filters_by_kind_and_date_and_exports(ledger, give, login, personas):
    give(ledger.matra, "1000", date=dt.date(2025, 5, 1))
    give(ledger.matra, "2000", date=dt.date(2025, 5, 20))
    client = login(personas["fund_manager"])
    url = reverse("funds:fund", kwargs={"code": "matra"})
    page = client.get(url + "?date_from=2025-05-10").content.decode()
    assert "Rp2.000" in page and "Rp1.000<" not in page
    assert "Rp2.000" not in client.get(url + "?kind=transfer").content.decode().split("<tbody")[-1]
    xlsx = client.get(url + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    assert client.get(reverse("funds:fund", kwargs={"code": "nope"})).status_code == 404


def test_a_fund_manager_records_a_contribution_through_the_form(ledger, login, personas):
    client = login(personas["fund_manager"])
    response = client.post(
        reverse("funds:contribution_new"),
        {
            "fund": ledger.matra.pk,
            "location": ledger.kas.pk,
            "amount": "Rp1.500.000,00",
            "date": "2025-05-05",
            "description": "Sumbangan Hamba Allah",
        },
    )
    txn = Transaction.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{txn.pk}/")
    assert fund_balance(fund=ledger.matra) == D("1500000")


def test_the_contribution_form_rejects_bad_input_and_refused_roles(ledger, login, personas):
    client = login(personas["fund_manager"])
    response = client.post(
        reverse("funds:contribution_new"),
        {"fund": ledger.matra.pk, "location": ledger.kas.pk, "amount": "1,500.00", "date": ""},
    )
    assert response.status_code == 200
    assert "format angka Inggris" in response.content.decode()
    assert not Transaction.objects.exists()
    assert login(personas["auditor"]).post(reverse("funds:contribution_new"), {}).status_code == 403
    assert (
        login(personas["outsider"]).post(reverse("funds:contribution_new"), {}).status_code == 404
    )


def test_a_refused_transfer_shows_the_reason_on_the_form(ledger, give, login, personas):
    give(ledger.csr, "1000")
    response = login(personas["treasurer"]).post(
        reverse("funds:transfer_new"),
        {
            "source": ledger.csr.pk,
            "target": ledger.matra.pk,
            "amount": "500",
            "date": "2025-05-06",
            "description": "pindah",
        },
    )
    assert response.status_code == 200
    assert "tidak boleh keluar dari tujuannya" in response.content.decode()
    assert (
        login(personas["fund_manager"]).post(reverse("funds:transfer_new"), {}).status_code == 404
    )


def test_the_treasurer_reverses_a_transaction_from_its_page(ledger, give, login, personas):
    txn = give(ledger.matra, "1000")
    url = reverse("funds:transaction_reverse", kwargs={"pk": txn.pk})
    client = login(personas["treasurer"])
    page = client.get(reverse("funds:transaction", kwargs={"pk": txn.pk})).content.decode()
    # The audit trail on the page reads in words ("Transaksi dibukukan").
    assert "Transaksi dibukukan" in page and txn.hash in page
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "salah dana", "date": dt.date.today().isoformat()})
    reversal = Transaction.objects.get(reverses=txn)
    assert response["Location"].endswith(f"/{reversal.pk}/")
    assert fund_balance(fund=ledger.matra) == 0
    again = client.post(url, {"reason": "lagi", "date": dt.date.today().isoformat()}, follow=True)
    assert "sudah pernah dibalik" in again.content.decode()


def test_only_the_treasurer_may_reverse(ledger, give, login, personas):
    txn = give(ledger.matra, "1000")
    url = reverse("funds:transaction_reverse", kwargs={"pk": txn.pk})
    assert login(personas["fund_manager"]).post(url, {"reason": "x"}).status_code == 403
    assert login(personas["auditor"]).post(url, {"reason": "x"}).status_code == 403
    assert login(personas["outsider"]).post(url, {"reason": "x"}).status_code == 404
    assert not Transaction.objects.filter(reverses=txn).exists()


def test_the_head_closes_a_month_and_others_may_not(ledger, login, personas):
    url = reverse("funds:periods")
    assert login(personas["treasurer"]).post(url, {"month": "2025-01"}).status_code == 403
    assert login(personas["outsider"]).post(url, {"month": "2025-01"}).status_code == 404
    response = login(personas["head"]).post(url, {"month": "2025-01"})
    assert response.status_code == 302
    assert ClosedPeriod.objects.filter(year=2025, month=1).exists()
    again = login(personas["head"]).post(url, {"month": "2025-01"})
    assert again.status_code == 200 and "sudah ditutup" in again.content.decode()
    assert login(personas["head"]).post(url, {"month": "bukan"}).status_code == 200


BRI_CSV = (
    "\ufeffTanggal;Keterangan;Referensi;Debet;Kredit\n"
    "05/05/2025;SETORAN TUNAI;TRX01;;1.500.000,00\n"
    "07/05/2025;BIAYA ADM;;5.000,00;\n"
    "Jumlah;;;5.000,00;1.500.000,00\n"
).encode()


def _upload(client, data, *, location, name="rekening.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("funds:reconciliation"), {"location": location.pk, "file": upload})


def test_the_treasurer_imports_a_statement_after_a_preview_and_lines_match(
    ledger, give, login, personas
):
    give(ledger.matra, "1500000", date=dt.date(2025, 5, 6))
    client = login(personas["treasurer"])
    preview = _upload(client, BRI_CSV, location=ledger.bank)
    page = preview.content.decode()
    assert preview.status_code == 200 and "Pratinjau" in page and "Rp1.500.000" in page
    data = preview.context["preview"]["data"]
    response = client.post(
        reverse("funds:reconciliation"),
        {"confirm": "1", "data": data, "filename": "rekening.csv", "location": ledger.bank.pk},
    )
    statement = ledger.bank.statements.get()
    assert response["Location"].endswith(f"/{statement.pk}/")
    lines = {line.amount: line for line in statement.lines.all()}
    assert hasattr(lines[D("1500000")], "match")
    assert not hasattr(lines[D("-5000")], "match")
    detail = client.get(response["Location"]).content.decode()
    assert "belum cocok" in detail
    twice = client.post(
        reverse("funds:reconciliation"),
        {"confirm": "1", "data": data, "filename": "rekening.csv", "location": ledger.bank.pk},
        follow=True,
    )
    assert "sudah pernah diimpor" in twice.content.decode()
    assert ledger.bank.statements.count() == 1


def test_a_statement_with_bad_rows_is_not_imported_and_the_rows_are_named(ledger, login, personas):
    bad = b"Tanggal;Keterangan;Debet;Kredit\n32/05/2025;X;;1.000\n05/05/2025;Y;abc;\n"
    response = _upload(login(personas["treasurer"]), bad, location=ledger.bank)
    page = response.content.decode()
    assert "Baris 2, kolom TANGGAL" in page and "Baris 3" in page
    assert "Impor dan cocokkan" not in page
    assert not ledger.bank.statements.exists()


def test_the_treasurer_matches_by_hand_and_cannot_match_twice(ledger, give, login, personas):
    from funds.reconciliation import statement_import

    txn = give(ledger.matra, "250000", date=dt.date(2025, 5, 1))
    statement = statement_import(
        location=ledger.bank,
        data=b"Tanggal;Keterangan;Jumlah\n20/05/2025;transfer masuk;250.000\n",
        filename="s.csv",
        actor=None,
    )
    line = statement.lines.get()
    posting = txn.postings.get(account__location=ledger.bank)
    url = reverse("funds:statement", kwargs={"pk": statement.pk})
    assert (
        login(personas["head"]).post(url, {"line": line.pk, "posting": posting.pk}).status_code
        == 403
    )
    client = login(personas["treasurer"])
    client.post(url, {"line": line.pk, "posting": posting.pk})
    assert line.match.posting == posting
    again = client.post(url, {"line": line.pk, "posting": posting.pk}, follow=True)
    assert "sudah dicocokkan" in again.content.decode()
    assert client.post(url, {}, follow=True).status_code == 200


def test_statements_add_up_on_screen_in_csv_and_in_the_pdf(ledger, give, login, personas):
    from funds.services import payment_record, transfer_record

    give(ledger.matra, "202615628", date=dt.date(2025, 4, 10))
    give(ledger.infak, "1000000", date=dt.date(2025, 5, 2))
    payment_record(
        fund=ledger.matra,
        location=ledger.bank,
        amount=D("107350124"),
        date=dt.date(2025, 5, 10),
        description="Bantuan",
        reference=None,
        actor=ledger.treasurer,
    )
    transfer_record(
        source=ledger.matra,
        target=ledger.infak,
        amount=D("500000"),
        date=dt.date(2025, 5, 11),
        description="pindah",
        actor=ledger.treasurer,
    )
    client = login(personas["auditor"])
    query = "?date_from=2025-05-01&date_to=2025-05-31"
    page = client.get(reverse("funds:statements") + query)
    s = page.context["s"]
    assert s.balanced
    matra = next(r for r in s.funds if r.code == "matra")
    assert (matra.opening, matra.spending, matra.transfers) == (
        D("202615628"),
        D("107350124"),
        D("-500000"),
    )
    assert matra.closing == fund_balance(fund=ledger.matra) == D("94765504")
    csv = b"".join(
        client.get(reverse("funds:statements") + query + "&export=csv").streaming_content
    )
    assert b"94765504" in csv
    pdf = client.get(reverse("funds:statements_pdf") + query)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Rp202.615.628" in text and "Rp107.350.124" in text and "Rp94.765.504" in text
    assert "BELUM DISAHKAN" in text


def test_the_head_signs_the_statements_and_the_pdf_says_so(ledger, give, login, personas):
    give(ledger.matra, "1000", date=dt.date(2025, 5, 2))
    form = {"date_from": "2025-05-01", "date_to": "2025-05-31"}
    url = reverse("funds:statements")
    assert login(personas["treasurer"]).post(url, form).status_code == 403
    assert login(personas["head"]).post(url, form).status_code == 302
    signoff = StatementSignoff.objects.get()
    assert signoff.signed_by == personas["head"]
    twice = login(personas["head"]).post(url, form, follow=True)
    assert "sudah disahkan" in twice.content.decode()
    pdf = login(personas["head"]).get(
        reverse("funds:statements_pdf") + "?" + "&".join(f"{k}={v}" for k, v in form.items())
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Disahkan" in text and "BELUM" not in text


@pytest.mark.parametrize("bad", [{"date_from": "2025-05-31", "date_to": "2025-05-01"}, {}])
def test_signing_an_impossible_period_is_refused(ledger, login, personas, bad):
    response = login(personas["head"]).post(reverse("funds:statements"), bad, follow=True)
    assert response.status_code == 200
    assert not StatementSignoff.objects.exists()


def _statement_with_match(ledger, give):
    from funds.models import ReconciliationMatch
    from funds.reconciliation import statement_import

    txn = give(ledger.matra, "100000", date=dt.date(2025, 5, 5))
    statement = statement_import(
        location=ledger.bank,
        data=b"Tanggal;Keterangan;Jumlah\n05/05/2025;x;100.000\n",
        filename="s.csv",
        actor=None,
    )
    match = ReconciliationMatch.objects.create(
        line=statement.lines.get(),
        posting=txn.postings.get(account__location=ledger.bank),
        method="manual",
    )
    return txn, statement, match


@pytest.mark.parametrize(
    ("name", "read_only"),
    [
        ("funds:contribution_new", "auditor"),
        ("funds:transfer_new", "auditor"),
        ("funds:transaction_reverse", "fund_manager"),
        ("funds:periods", "treasurer"),
        ("funds:reconciliation", "head"),
        ("funds:statement", "fund_manager"),
        ("funds:statement_auto_match", "head"),
        ("funds:match_delete", "auditor"),
        ("funds:statements", "treasurer"),
    ],
)
def test_every_changing_view_refuses_read_only_roles_and_outsiders(
    ledger, give, login, personas, name, read_only
):
    from funds.models import ReconciliationMatch

    txn, statement, match = _statement_with_match(ledger, give)
    kwargs = {
        "funds:transaction_reverse": {"pk": txn.pk},
        "funds:statement": {"pk": statement.pk},
        "funds:statement_auto_match": {"pk": statement.pk},
        "funds:match_delete": {"pk": match.pk},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    assert login(personas[read_only]).post(url, {}).status_code == 403
    assert login(personas["outsider"]).post(url, {}).status_code == 404
    assert ReconciliationMatch.objects.filter(pk=match.pk).exists()
    assert not Transaction.objects.filter(reverses=txn).exists()


@pytest.mark.parametrize(
    "name", ["funds:transaction_reverse", "funds:statement_auto_match", "funds:match_delete"]
)
def test_post_only_urls_answer_get_with_405(ledger, give, login, personas, name):
    txn, statement, match = _statement_with_match(ledger, give)
    pk = {"funds:transaction_reverse": txn.pk, "funds:statement_auto_match": statement.pk}.get(
        name, match.pk
    )
    assert login(personas["treasurer"]).get(reverse(name, kwargs={"pk": pk})).status_code == 405


def test_the_treasurer_undoes_a_wrong_match_and_runs_auto_matching_again(
    ledger, give, login, personas
):
    from funds.models import ReconciliationMatch

    txn, statement, match = _statement_with_match(ledger, give)
    client = login(personas["treasurer"])
    response = client.post(reverse("funds:match_delete", kwargs={"pk": match.pk}))
    assert response["Location"].endswith(f"/{statement.pk}/")
    assert not ReconciliationMatch.objects.exists()
    client.post(reverse("funds:statement_auto_match", kwargs={"pk": statement.pk}))
    rematched = ReconciliationMatch.objects.get()
    assert rematched.method == "auto" and rematched.posting.transaction == txn


def test_the_head_creates_a_restricted_fund_and_bad_input_is_refused(ledger, login, personas):
    from funds.models import Fund

    url = reverse("funds:fund_new")
    client = login(personas["head"])
    form = {
        "code": "csr-rtlh-gemolong",
        "name": "CSR RTLH Gemolong",
        "restriction": "restricted",
        "purpose": "",
        "allowed_programmes": "rtlh",
        "allowed_areas": "33.14.x",
    }
    assert "Kode wilayah tidak sah" in client.post(url, form).content.decode()
    form["allowed_areas"] = "33.14.13, 33.14.14"
    response = client.post(url, form)
    fund = Fund.objects.get(code="csr-rtlh-gemolong")
    assert response["Location"].endswith("/csr-rtlh-gemolong/")
    assert fund.allowed_areas == ["33.14.13", "33.14.14"] and hasattr(fund, "account")
    zakat = client.post(url, {**form, "code": "zakat", "restriction": "zakat"})
    assert "zakat berizin" in zakat.content.decode()
    assert login(personas["treasurer"]).post(url, form).status_code == 404
    assert login(personas["auditor"]).post(url, form).status_code == 403


def test_the_dashboard_panel_shows_what_each_fund_has_available(ledger, give, login, personas):
    from funds.services import commitment_open

    give(ledger.matra, "1500000")
    commitment_open(fund=ledger.matra, amount=D("500000"), reference=None, actor=None)
    page = login(personas["treasurer"]).get(reverse("core:dashboard")).content.decode()
    assert "MATRA" in page and "Rp1.000.000" in page
    assert (
        "MATRA" not in login(personas["verifier"]).get(reverse("core:dashboard")).content.decode()
    )
