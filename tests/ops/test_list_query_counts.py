"""Every list page costs the same number of queries with 2 rows as with 20 (no N+1).

Each case builds rows of its list, counts the queries of one page view, adds
more rows, counts again. A page whose count grows with its rows fails here
long before a regency's ten years of data make it slow.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beneficiaries.models import Complaint, CriteriaSet, HomeVisit, Registration
from core.roles import Role
from donors.models import Contribution, Donor, Enrolment, Opd, Scheme
from donors.services import gift_record, payroll_import_prepare
from funds.models import Fund, MoneyLocation
from tests.beneficiaries import factories
from tests.factories import AuditEntryFactory

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)


@pytest.fixture
def books(db):
    fund = Fund.objects.create(code="matra", name="MATRA")
    bank = MoneyLocation.objects.create(code="bank", name="Bank", kind=MoneyLocation.Kind.BANK)
    scheme = Scheme.objects.create(code="matra", name="MATRA", fund=fund, deposit_location=bank)
    opd = Opd.objects.create(code="DINKES", name="Dinas Kesehatan")
    return {"fund": fund, "bank": bank, "scheme": scheme, "opd": opd}


def _audit(n, people, books):
    AuditEntryFactory.create_batch(n, actor=people[Role.HEAD])


def _donors(n, people, books):
    for _ in range(n):
        Donor.objects.create(kind="individual", name=f"Donatur {next(_serial)}")


def _gifts(n, people, books):
    for _ in range(n):
        donor = Donor.objects.create(kind="individual", name=f"Donatur {next(_serial)}")
        gift_record(
            donor=donor,
            fund=books["fund"],
            location=books["bank"],
            amount=Decimal("25000"),
            date=dt.date(2025, 5, 5),
            channel=Contribution.Channel.INSTITUTION,
            actor=people[Role.FUND_MANAGER],
        )


def _opds(n, people, books):
    for _ in range(n):
        serial = next(_serial)
        Opd.objects.create(code=f"OPD{serial}", name=f"Dinas {serial}")


def _payroll_drafts(n, people, books):
    for _ in range(n):
        serial = next(_serial)
        opd = Opd.objects.create(code=f"OPD{serial}", name=f"Dinas {serial}")
        payroll_import_prepare(
            data=b"NIP;NAMA;JUMLAH\n197805152005011002;Budi;100.000\n",
            filename="gaji.csv",
            opd=opd,
            scheme=books["scheme"],
            period=dt.date(2025, 3, 1),
            received_on=dt.date(2025, 3, 28),
            expected_count=None,
            expected_total=None,
            actor=people[Role.FUND_MANAGER],
        )


def _civil_servants_in_arrears(n, people, books):
    for _ in range(n):
        serial = next(_serial)
        donor = Donor.objects.create(
            kind=Donor.Kind.CIVIL_SERVANT,
            name=f"Pegawai {serial}",
            nip=f"1978051520050{serial:05d}",
            opd=books["opd"],
        )
        Enrolment.objects.create(
            donor=donor,
            scheme=books["scheme"],
            monthly_amount=Decimal("100000"),
            start=dt.date(2024, 1, 1),
        )


def _households(n, people, books):
    for _ in range(n):
        factories.household(listed=True, members=2)


def _complaints(n, people, books):
    for _ in range(n):
        Complaint.objects.create(
            reference=f"ADU-2025-{next(_serial):05d}",
            kind=Complaint.Kind.OTHER,
            channel=Complaint.Channel.DESK,
            name="Warga",
            contact="0812000111",
            description="Belum dijawab",
            due_on=timezone.localdate() + dt.timedelta(days=3),
            assigned_to=people[Role.VERIFIER],
        )


def _visits(n, people, books, *, decided: bool = False):
    criteria = CriteriaSet.objects.order_by("pk").first()
    for _ in range(n):
        registration = Registration.objects.create(
            household=factories.household(),
            channel="walk_in",
            status=Registration.Status.AWAITING_DECISION if decided else Registration.Status.VISIT,
            registered_by=people[Role.HEAD],
        )
        HomeVisit.objects.create(
            registration=registration,
            verifier=people[Role.VERIFIER],
            status=HomeVisit.Status.SUBMITTED if decided else HomeVisit.Status.ASSIGNED,
            criteria_set=criteria if decided else None,
            met_count=3 if decided else 0,
        )


def _decision_queue(n, people, books):
    _visits(n, people, books, decided=True)


def _requests_for_help(n, people, books, *, approved: bool = False, paid: bool = False):
    import uuid

    from disbursements.services import (
        disbursement_approve,
        disbursement_create,
        disbursement_pay,
    )
    from funds.models import Programme
    from funds.services import contribution_record
    from tests.disbursements.conftest import family

    today = timezone.localdate()
    contribution_record(
        fund=books["fund"],
        location=books["bank"],
        amount=Decimal("1000000") * n,
        date=today - dt.timedelta(days=1),
        description="Saldo uji",
        reference=None,
        actor=people[Role.FUND_MANAGER],
    )
    darurat = Programme.objects.get(code="darurat")
    for _ in range(n):
        request = disbursement_create(
            programme=darurat,
            household=family(),
            member=None,
            fund=books["fund"],
            amount="1000000",
            payee_kind="household",
            payee_name="Bu Sumi",
            actor=people[Role.VERIFIER],
        )
        if approved or paid:
            disbursement_approve(request=request, actor=people[Role.TREASURER])
        if paid:
            disbursement_pay(
                request=request,
                actor=people[Role.TREASURER],
                amount="1000000",
                location=books["bank"],
                method="cash",
                date=today,
                idempotency_key=uuid.uuid4().hex,
            )


def _approved_requests(n, people, books):
    _requests_for_help(n, people, books, approved=True)


def _paid_requests(n, people, books):
    _requests_for_help(n, people, books, paid=True)


def _pledges(n, people, books):
    from core.models import User
    from donors.models import Partner, Pledge

    serial = next(_serial)
    partner = Partner.objects.create(
        donor=Donor.objects.create(kind="company", name=f"PT Mitra {serial}"),
        user=User.objects.create_user(email=f"mitra{serial}@uji.test", password=None),
        legal_name=f"PT Mitra {serial}",
        npwp=f"{100000000000000 + serial}",
        contact_name="Narahubung",
        status=Partner.Status.VERIFIED,
    )
    for i in range(n):
        Pledge.objects.create(
            partner=partner,
            kind=Pledge.Kind.CASH,
            title=f"Program {i}",
            total_amount=Decimal("1000000"),
            fund=books["fund"],
            status=Pledge.Status.ACCEPTED,
        )


CASES = {
    "audit trail": ("/audit/", Role.AUDITOR, _audit),
    "donors": ("/donatur/", Role.FUND_MANAGER, _donors),
    "contributions": ("/donatur/sumbangan/", Role.FUND_MANAGER, _gifts),
    "fund postings": ("/dana/dana/matra/", Role.TREASURER, _gifts),
    "OPDs": ("/donatur/opd/", Role.FUND_MANAGER, _opds),
    "payroll imports": ("/donatur/impor/", Role.FUND_MANAGER, _payroll_drafts),
    "arrears": ("/donatur/tunggakan/?bulan=2025-03", Role.FUND_MANAGER, _civil_servants_in_arrears),
    "household search": ("/rumah-tangga/", Role.VERIFIER, _households),
    "complaints": ("/rumah-tangga/pengaduan/", Role.VERIFIER, _complaints),
    "verifier's work list": ("/rumah-tangga/kunjungan/", Role.VERIFIER, _visits),
    "decision queue": ("/rumah-tangga/keputusan/", Role.HEAD, _decision_queue),
    "requests for help": ("/bantuan/", Role.VERIFIER, _requests_for_help),
    "approval queue": ("/bantuan/persetujuan/", Role.TREASURER, _requests_for_help),
    "payment queue": ("/bantuan/pembayaran/", Role.TREASURER, _approved_requests),
    "coverage": ("/bantuan/cakupan/", Role.HEAD, _paid_requests),
    "CSR pledges (staff)": ("/donatur/mitra/", Role.FUND_MANAGER, _pledges),
}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", list(CASES))
def test_a_list_page_costs_the_same_queries_with_2_and_with_20_rows(name, personas, books, client):
    url, role, build = CASES[name]
    client.force_login(personas[role])
    build(2, personas, books)
    with_two = _queries(client, url)
    build(18, personas, books)
    with_twenty = _queries(client, url)
    assert with_twenty == with_two, f"{name}: {with_two} queries with 2 rows, {with_twenty} with 20"


def test_arrears_show_one_page_of_civil_servants_and_export_them_all(personas, books, client):
    _civil_servants_in_arrears(55, personas, books)
    client.force_login(personas[Role.FUND_MANAGER])
    first = client.get("/donatur/tunggakan/", {"bulan": "2025-03"}).content.decode()
    second = client.get("/donatur/tunggakan/", {"bulan": "2025-03", "page": 2}).content.decode()
    export = client.get("/donatur/tunggakan/", {"bulan": "2025-03", "export": "csv"})
    body = b"".join(export.streaming_content) if export.streaming else export.content

    assert first.count("Pegawai ") == 50 and second.count("Pegawai ") == 5
    assert "(55)" in first and 'data-testid="pager"' in first
    assert body.decode("utf-8-sig").count("Pegawai ") == 55


def test_arrears_open_on_the_latest_month_that_is_due(personas, books, client):
    from donors.selectors import latest_due_month

    client.force_login(personas[Role.FUND_MANAGER])
    page = client.get("/donatur/tunggakan/").content.decode()
    assert f'value="{latest_due_month():%Y-%m}"' in page


def test_the_verifiers_work_list_is_paged_oldest_first(personas, books, client):
    _visits(23, personas, books)
    client.force_login(personas[Role.VERIFIER])
    first = client.get("/rumah-tangga/kunjungan/").content.decode()
    second = client.get("/rumah-tangga/kunjungan/", {"page": 2}).content.decode()
    assert first.count('data-testid="visit-card"') == 20
    assert second.count('data-testid="visit-card"') == 3
    oldest = HomeVisit.objects.order_by("assigned_at", "pk").first()
    assert f"/kunjungan/{oldest.pk}/" in first and f"/kunjungan/{oldest.pk}/" not in second


def test_a_page_number_that_is_not_a_number_shows_the_first_page(personas, books, client):
    _visits(3, personas, books)
    client.force_login(personas[Role.VERIFIER])
    page = client.get("/rumah-tangga/kunjungan/", {"page": "x'--"})
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="visit-card"') == 3


def test_the_gift_list_never_loads_the_payroll_file_behind_its_gifts(personas, books, client):
    from donors.services import payroll_import_commit

    draft, check = payroll_import_prepare(
        data=b"NIP;NAMA;JUMLAH\n197805152005011002;Budi;100.000\n198001012006041003;Sri;50.000\n",
        filename="gaji.csv",
        opd=books["opd"],
        scheme=books["scheme"],
        period=dt.date(2025, 3, 1),
        received_on=dt.date(2025, 3, 28),
        expected_count=None,
        expected_total=None,
        actor=personas[Role.FUND_MANAGER],
    )
    assert draft is not None, check.errors
    payroll_import_commit(payroll_import=draft, actor=personas[Role.FUND_MANAGER])
    client.force_login(personas[Role.FUND_MANAGER])
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/donatur/sumbangan/").content.decode()

    # The import's file (every parsed row, the preview) is JSON of thousands of rows.
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "parsed_rows" not in sql and "preview" not in sql
    assert page.count("Dinas Kesehatan") >= 2 or page.count("DINKES") >= 2


def test_the_arrears_page_reads_one_page_of_civil_servants_not_all_of_them(personas, books, client):
    _civil_servants_in_arrears(55, personas, books)
    client.force_login(personas[Role.FUND_MANAGER])
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/donatur/tunggakan/", {"bulan": "2025-03"}).content.decode()

    # A regency has 21.000 enrolled civil servants: the figure is counted, not loaded.
    reads = [q["sql"] for q in captured.captured_queries if '"donors_donor"."name"' in q["sql"]]
    assert reads and all("LIMIT" in sql for sql in reads), reads
    assert "(55)" in page and page.count("Pegawai ") == 50


@pytest.mark.parametrize(
    "name", ["audit trail", "donors", "contributions", "fund postings", "household search"]
)
def test_a_list_that_grows_with_the_years_is_paged_without_counting_its_rows(
    name, personas, books, client
):
    url, role, build = CASES[name]
    client.force_login(personas[role])
    build(3, personas, books)
    with CaptureQueriesContext(connection) as captured:
        first = client.get(url, {"per_page": 2}).content.decode()

    assert not [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert "page=2" in first  # the pager still offers the next page


def test_a_page_past_the_end_of_a_list_paged_without_counting_shows_the_first(
    personas, books, client
):
    _audit(3, personas, books)
    client.force_login(personas[Role.AUDITOR])
    for page in ("99", "99999999999999999999"):  # the second overflows an SQL OFFSET
        response = client.get("/audit/", {"per_page": 2, "page": page})
        assert response.status_code == 200
        assert "page=2" in response.content.decode()
