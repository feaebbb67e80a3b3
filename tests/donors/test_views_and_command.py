"""The web flow, who may do what, arrears, the contributor's own page, and the command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from donors.models import Contribution, Donor, Enrolment, PayrollImport, Receipt
from donors.selectors import arrears_for_month
from donors.services import enrolment_create, gift_record, payroll_import_commit, scheme_rate_add
from funds.models import Transaction
from tests.donors.conftest import NIP_A, NIP_B, NIP_C, NIP_NEW, PERIOD, csv_file, dinkes_march


def _upload(client, books, data, **extra):
    fields = {
        "scheme": books.scheme.pk,
        "opd": books.dinkes.pk,
        "period": "2025-03",
        "received_on": "2025-03-28",
        "expected_count": "2",
        "expected_total": "300.000",
        "file": SimpleUploadedFile("gaji-dinkes.csv", data, content_type="text/csv"),
    }
    fields.update(extra)
    return client.post(reverse("donors:import_upload"), fields)


def test_a_fund_manager_uploads_previews_and_books_a_month_in_the_web(
    books, login, django_capture_on_commit_callbacks
):
    client = login(books.manager)
    response = _upload(client, books, dinkes_march())
    imp = PayrollImport.objects.get()
    assert response["Location"] == reverse("donors:import_detail", args=[imp.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "Rp300.000" in preview and "Bukukan 2 baris" in preview

    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(reverse("donors:import_confirm", args=[imp.pk]))
    assert booked.status_code == 302
    imp.refresh_from_db()
    assert imp.status == PayrollImport.Status.COMMITTED
    assert imp.job.status == "done" and imp.job.done == 2
    assert Receipt.objects.count() == 2


def test_an_upload_with_errors_lists_them_and_keeps_nothing(books, login):
    client = login(books.manager)
    bad = csv_file([(NIP_A, "Budi", "200000"), ("123", "X", "-5")])
    response = _upload(client, books, bad)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Baris 3, kolom NIP" in body and "Baris 3, kolom JUMLAH" in body
    assert "Tidak ada yang dicatat" in body
    assert PayrollImport.objects.count() == 0


def test_an_upload_of_a_month_already_booked_links_to_the_first(books, login, prepare):
    first, _ = prepare(dinkes_march())
    payroll_import_commit(payroll_import=first, actor=books.manager)
    response = _upload(login(books.manager), books, csv_file([(NIP_B, "Sri", "100000")]))
    assert reverse("donors:import_detail", args=[first.pk]) in response.content.decode()


def test_control_totals_are_required_in_the_web_form(books, login):
    response = _upload(
        login(books.manager), books, dinkes_march(), expected_count="", expected_total=""
    )
    assert response.status_code == 200 and PayrollImport.objects.count() == 0


@pytest.mark.parametrize("url_name", ["donors:import_confirm", "donors:import_reverse"])
def test_import_actions_answer_each_role_as_they_should(books, personas, prepare, client, url_name):
    draft, _ = prepare(dinkes_march())
    url = reverse(url_name, args=[draft.pk])
    client.force_login(personas["auditor"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(personas["treasurer"])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(personas["outsider"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(personas["contributor"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(personas["fund_manager"])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "x"}).status_code == 302


def test_gift_and_donor_forms_answer_each_role_as_they_should(books, personas, client):
    for url in (reverse("donors:gift_create"), reverse("donors:donor_create")):
        client.force_login(personas["head"])
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 403
        client.force_login(personas["verifier"])
        assert client.get(url).status_code == 404
        client.force_login(personas["fund_manager"])
        assert client.post(url, {}).status_code == 200  # the form with its errors


def test_a_civil_servant_is_refused_with_a_wrong_nip(books, login):
    client = login(books.manager)
    base = {
        "kind": "pns",
        "name": "Rina",
        "position": "staff",
        "opd": books.dinkes.pk,
        "display": "anonymous",
    }
    for nip, message in (
        ("1978051520050110", "NIP harus 18 angka"),
        ("197813152005011002", "tidak ada"),
    ):
        body = client.post(reverse("donors:donor_create"), {**base, "nip": nip}).content.decode()
        assert message in body
    assert not Donor.objects.filter(name="Rina").exists()


def test_a_name_shown_in_public_needs_a_consent_date(books, login):
    client = login(books.manager)
    fields = {"kind": "individual", "name": "Ibu Warsini", "display": "named"}
    body = client.post(reverse("donors:donor_create"), fields).content.decode()
    assert "persetujuan" in body and not Donor.objects.filter(name="Ibu Warsini").exists()
    response = client.post(
        reverse("donors:donor_create"), {**fields, "name_consent_on": "2025-04-01"}
    )
    donor = Donor.objects.get(name="Ibu Warsini")
    assert response.status_code == 302 and donor.public_name == "Ibu Warsini"
    assert Donor(kind="individual", name="X").public_name == "Hamba Allah"


def test_an_enrolment_below_the_minimum_of_the_position_is_refused(books):
    from donors.errors import DonorError

    donor = Donor.objects.create(
        kind="pns",
        name="Drs. Joko",
        nip=NIP_NEW,
        position=Donor.Position.ECHELON_II,
        opd=books.dinkes,
    )
    with pytest.raises(DonorError, match="paling sedikit Rp200.000"):
        enrolment_create(
            donor=donor,
            scheme=books.scheme,
            monthly_amount=Decimal("150000"),
            start=PERIOD,
            actor=books.manager,
        )
    enrolment = enrolment_create(
        donor=donor,
        scheme=books.scheme,
        monthly_amount=Decimal("250000"),
        start=PERIOD,
        actor=books.manager,
    )
    assert enrolment.monthly_amount == Decimal("250000")
    with pytest.raises(DonorError, match="sudah terdaftar"):
        enrolment_create(
            donor=donor,
            scheme=books.scheme,
            monthly_amount=Decimal("250000"),
            start=PERIOD.replace(month=6),
            actor=books.manager,
        )


def test_a_new_minimum_applies_from_its_start_month_only(books):
    from donors.selectors import scheme_minimum

    scheme_rate_add(
        scheme=books.scheme,
        position=Donor.Position.ECHELON_III,
        valid_from=dt.date(2025, 7, 1),
        minimum_amount=Decimal("125000"),
        actor=books.manager,
    )
    assert (
        scheme_minimum(scheme=books.scheme, position="echelon_iii", month=dt.date(2025, 6, 1))
        == 100000
    )
    assert (
        scheme_minimum(scheme=books.scheme, position="echelon_iii", month=dt.date(2025, 7, 1))
        == 125000
    )
    assert scheme_minimum(scheme=books.scheme, position="staff", month=dt.date(2025, 7, 1)) is None


def test_arrears_name_the_civil_servants_and_opds_that_have_not_remitted(books, prepare, login):
    draft, _ = prepare(csv_file([(NIP_A, "Budi Santoso", "200000")]))
    payroll_import_commit(payroll_import=draft, actor=books.manager)
    report = arrears_for_month(scheme=books.scheme, month=PERIOD)
    assert [e.donor.nip for e in report.missing_donors] == [NIP_B, NIP_C]
    assert [o["code"] for o in report.missing_opds] == ["DISDIK"]
    assert (report.expected_total, report.received_total) == (Decimal("450000"), Decimal("200000"))
    page = (
        login(books.manager).get(reverse("donors:arrears"), {"bulan": "2025-03"}).content.decode()
    )
    assert "Sri Lestari" in page and "DISDIK" in page and "Budi Santoso" not in page
    export = login(books.manager).get(
        reverse("donors:arrears"), {"bulan": "2025-03", "export": "csv"}
    )
    assert NIP_B in b"".join(export.streaming_content).decode()


def test_a_contributor_sees_only_their_own_gifts_and_receipts(books, personas, client):
    me = books.people[NIP_A]
    me.user = personas["contributor"]
    me.save()
    mine = gift_record(
        donor=me,
        fund=books.infak,
        location=books.kas,
        amount=Decimal("50000"),
        date=dt.date(2025, 4, 1),
        channel="cash",
        actor=books.manager,
    )
    other = gift_record(
        donor=books.people[NIP_B],
        fund=books.infak,
        location=books.kas,
        amount=Decimal("70000"),
        date=dt.date(2025, 4, 1),
        channel="cash",
        actor=books.manager,
    )
    client.force_login(personas["contributor"])
    page = client.get(reverse("donors:my")).content.decode()
    assert mine.receipt.code in page and other.receipt.code not in page
    assert client.get(reverse("donors:receipt_pdf", args=[mine.receipt.pk])).status_code == 200
    assert client.get(reverse("donors:receipt_pdf", args=[other.receipt.pk])).status_code == 404
    statement = client.get(reverse("donors:statement_pdf", args=[me.pk]), {"tahun": 2025})
    assert statement.status_code == 200
    assert (
        client.get(reverse("donors:statement_pdf", args=[books.people[NIP_B].pk])).status_code
        == 404
    )
    assert client.get(reverse("donors:donor_detail", args=[me.pk])).status_code == 404
    assert client.get(reverse("donors:contribution_list")).status_code == 404


# --- the command --------------------------------------------------------------------------------
def _command(tmp_path, data, *args):
    """Run the command; return (stdout, stderr, the CommandError or None)."""
    from io import StringIO

    path = tmp_path / "gaji.csv"
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    try:
        call_command("import_contributions", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_the_command_imports_a_file_and_says_what_it_imported(books, tmp_path):
    out, _, error = _command(
        tmp_path,
        dinkes_march(),
        "--fund",
        "matra",
        "--period",
        "2025-03",
        "--opd",
        "dinkes",
        "--expected-count",
        "2",
        "--expected-total",
        "300.000",
        "--date",
        "2025-03-28",
    )
    assert error is None
    assert "Diimpor: DINKES 2025-03, 2 baris, Rp300.000" in out
    assert PayrollImport.objects.get().status == "committed" and Contribution.objects.count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--opd", "DINSOS"], "OPD dengan kode 'DINSOS' tidak dikenal"),
        (["--fund", "tidak-ada"], "Dana dengan kode 'tidak-ada' tidak dikenal"),
        (["--period", "Maret"], "Bulan “Maret” tidak dikenal"),
        (["--expected-count", "3"], "tidak sama dengan jumlah pada slip"),
        (["--expected-total", "150,000.00"], "format angka Inggris"),
    ],
)
def test_the_command_refuses_bad_arguments_and_imports_nothing(books, tmp_path, args, message):
    base = {"--fund": "matra", "--period": "2025-03", "--opd": "DINKES"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for kv in base.items() for x in kv]
    _, err, error = _command(tmp_path, dinkes_march(), *flat)
    assert error is not None
    assert message in str(error) + err
    assert Contribution.objects.count() == 0 and Transaction.objects.count() == 0
    assert PayrollImport.objects.count() == 0


def test_the_command_prints_each_row_error_and_exits_non_zero(books, tmp_path):
    import subprocess
    import sys

    bad = csv_file([(NIP_A, "Budi", "200000"), (NIP_A, "Budi", "abc")])
    _, err, error = _command(
        tmp_path, bad, "--fund", "matra", "--period", "2025-03", "--opd", "DINKES"
    )
    assert "2 kesalahan: tidak ada yang diimpor" in str(error)
    assert "Baris 3, kolom NIP" in err and "Baris 3, kolom JUMLAH" in err
    assert PayrollImport.objects.count() == 0
    # The exit status of a real run (argument parsing happens before the database is touched).
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_contributions",
            "/tidak/ada.csv",
            "--fund",
            "matra",
            "--period",
            "2025-03",
            "--opd",
            "DINKES",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "Berkas tidak ditemukan" in result.stderr


def test_the_command_refuses_the_same_month_twice(books, tmp_path):
    args = ("--fund", "matra", "--period", "2025-03", "--opd", "DINKES")
    assert _command(tmp_path, dinkes_march(), *args)[2] is None
    _, _, error = _command(tmp_path, csv_file([(NIP_B, "Sri", "100000")]), *args)
    assert "sudah dibukukan" in str(error)
    assert Contribution.objects.count() == 2
    assert Enrolment.objects.count() == 3


def test_confirming_a_draft_whose_month_was_booked_meanwhile_fails_the_job_with_a_link(
    books, prepare, login, django_capture_on_commit_callbacks
):
    first, _ = prepare(dinkes_march())
    second, _ = prepare(csv_file([(NIP_B, "Sri Lestari", "100000")]))
    payroll_import_commit(payroll_import=first, actor=books.manager)
    with django_capture_on_commit_callbacks(execute=True):
        login(books.manager).post(reverse("donors:import_confirm", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == PayrollImport.Status.DRAFT
    assert second.job.status == "failed" and "sudah dibukukan" in second.job.message
    assert second.job.result_url == reverse("donors:import_detail", args=[first.pk])
    assert Contribution.objects.count() == 2
