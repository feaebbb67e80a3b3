"""Recording a gift: find the donor by typing, add a new one on the spot, money where it was received."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from donors.errors import DonorError
from donors.models import Contribution, Donor
from donors.services import donor_add_by_name, gift_record
from funds.models import Fund, MoneyLocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(personas):
    fund = Fund.objects.create(code="infak", name="Infak")
    kas = MoneyLocation.objects.create(code="kas", name="Kas loket", kind=MoneyLocation.Kind.CASH)
    bank = MoneyLocation.objects.create(
        code="bank", name="Bank Jateng", kind=MoneyLocation.Kind.BANK
    )
    return {"fund": fund, "kas": kas, "bank": bank, "manager": personas["fund_manager"]}


def _post(books, **extra):
    data = {
        "channel": "cash",
        "fund": books["fund"].pk,
        "location": books["kas"].pk,
        "amount": "250.000",
        "date": dt.date.today().isoformat(),
    }
    data.update(extra)
    return data


def test_the_donor_picker_holds_only_the_chosen_donor_not_the_whole_register(books, login):
    for i in range(30):
        Donor.objects.create(kind="individual", name=f"Warga {i:02d}")
    chosen = Donor.objects.get(name="Warga 07")
    body = (
        login(books["manager"])
        .get(reverse("donors:gift_create") + f"?donatur={chosen.pk}")
        .content.decode()
    )
    select = body.split('name="donor"')[1].split("</select>")[0]
    assert select.count("<option") == 2  # the empty choice and the chosen donor
    assert "Warga 07" in select and "Warga 08" not in select
    assert 'data-search-url="/donatur/cari/"' in body


def test_the_donor_picker_reads_only_the_chosen_donor_from_the_database(books, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(30):
        Donor.objects.create(kind="individual", name=f"Warga {i:02d}")
    chosen = Donor.objects.get(name="Warga 07")
    client = login(books["manager"])
    for query in ("", f"?donatur={chosen.pk}", "?donatur=x'--"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("donors:gift_create") + query)
        assert response.status_code == 200
        # A regency has 21.000 donors: every read of the register names the chosen one.
        reads = [q["sql"] for q in captured.captured_queries if 'FROM "donors_donor"' in q["sql"]]
        assert all('"donors_donor"."id" IN' in sql for sql in reads), reads
    # A refused form shows the donor that was chosen, and only that one.
    body = client.post(reverse("donors:gift_create"), _post(books, donor=chosen.pk, amount="x"))
    select = body.content.decode().split('name="donor"')[1].split("</select>")[0]
    assert select.count("<option") == 2 and "Warga 07" in select


def test_the_donor_search_finds_by_name_and_by_nip(books, login):
    Donor.objects.create(kind="individual", name="Sri Lestari")
    Donor.objects.create(kind="pns", name="Bambang", nip="198203102008012003")
    Donor.objects.create(kind="individual", name="Lestari Lama", is_active=False)
    client = login(books["manager"])
    found = client.get(reverse("donors:donor_search"), {"q": "lesta"}).json()["results"]
    assert [r["text"] for r in found] == ["Sri Lestari (Perorangan)"]
    found = client.get(reverse("donors:donor_search"), {"q": "19820310"}).json()["results"]
    assert [r["text"] for r in found] == ["Bambang (198203102008012003)"]
    assert client.get(reverse("donors:donor_search"), {"q": "s"}).json()["results"] == []


def test_the_donor_search_is_not_for_contributors_or_outsiders(books, personas, login):
    for role in ("contributor", "outsider", "verifier"):
        assert login(personas[role]).get(reverse("donors:donor_search")).status_code == 404


def test_a_new_donor_is_added_from_the_gift_form_with_the_gift(books, login):
    response = login(books["manager"]).post(
        reverse("donors:gift_create"),
        _post(books, new_donor_kind="company", new_donor_name="CV Maju Jaya"),
    )
    assert response.status_code == 302
    gift = Contribution.objects.get()
    assert gift.donor.name == "CV Maju Jaya" and gift.donor.kind == "company"
    assert AuditEntry.objects.filter(action="donors.donor.created").count() == 1


def test_a_new_donor_is_not_kept_when_the_gift_is_refused(books, login):
    response = login(books["manager"]).post(
        reverse("donors:gift_create"),
        _post(
            books,
            new_donor_kind="company",
            new_donor_name="CV Maju Jaya",
            location=books["bank"].pk,
        ),
    )
    assert response.status_code == 200
    assert not Donor.objects.exists() and not Contribution.objects.exists()


def test_the_form_asks_for_a_donor_or_a_new_one_but_not_both(books, login):
    donor = Donor.objects.create(kind="individual", name="Sri")
    client = login(books["manager"])
    body = client.post(reverse("donors:gift_create"), _post(books)).content.decode()
    assert "Pilih donatur, atau isi nama donatur baru." in body
    body = client.post(
        reverse("donors:gift_create"),
        _post(books, donor=donor.pk, new_donor_kind="individual", new_donor_name="Sri"),
    ).content.decode()
    assert "bukan keduanya" in body
    body = client.post(
        reverse("donors:gift_create"), _post(books, new_donor_name="Tanpa jenis")
    ).content.decode()
    assert "Pilih jenis donatur baru." in body
    assert not Contribution.objects.exists()


def test_cash_at_the_desk_is_refused_into_a_bank_account_by_the_form(books, login):
    donor = Donor.objects.create(kind="individual", name="Sri")
    body = (
        login(books["manager"])
        .post(
            reverse("donors:gift_create"), _post(books, donor=donor.pk, location=books["bank"].pk)
        )
        .content.decode()
    )
    assert "Tunai di loket tidak dapat diterima di Bank Jateng." in body
    assert not Contribution.objects.exists()


def test_the_service_refuses_cash_into_a_bank_and_a_transfer_into_the_cash_box(books):
    donor = Donor.objects.create(kind="individual", name="Sri")
    base = {
        "donor": donor,
        "fund": books["fund"],
        "amount": Decimal("1000"),
        "date": dt.date.today(),
    }
    with pytest.raises(DonorError, match="Tunai di loket"):
        gift_record(**base, location=books["bank"], channel="cash", actor=books["manager"])
    with pytest.raises(DonorError, match="Transfer bank"):
        gift_record(
            **base, location=books["kas"], channel="transfer", proof=b"x", actor=books["manager"]
        )
    gift = gift_record(**base, location=books["kas"], channel="cash", actor=books["manager"])
    assert gift.location == books["kas"]


def test_the_gift_page_shows_where_the_money_was_received(books, login):
    donor = Donor.objects.create(kind="individual", name="Sri")
    gift = gift_record(
        donor=donor,
        fund=books["fund"],
        location=books["kas"],
        amount=Decimal("1000"),
        date=dt.date.today(),
        channel="cash",
        actor=books["manager"],
    )
    body = (
        login(books["manager"])
        .get(reverse("donors:contribution_detail", args=[gift.pk]))
        .content.decode()
    )
    assert "Kas loket (Kas tunai)" in body


def test_a_donor_added_by_name_refuses_a_civil_servant_and_an_empty_name(books):
    with pytest.raises(DonorError):
        donor_add_by_name(kind="pns", name="Budi", actor=books["manager"])
    with pytest.raises(DonorError):
        donor_add_by_name(kind="company", name="  ", actor=books["manager"])


def test_the_two_money_in_forms_say_what_each_is_for(books, personas, login):
    client = login(personas["treasurer"])
    body = client.get(reverse("funds:contribution_new")).content.decode()
    assert "bukan sumbangan" in body and reverse("donors:gift_create") in body
    body = login(books["manager"]).get(reverse("donors:gift_create")).content.decode()
    assert "tanda terima bernomor" in body


def test_every_import_page_offers_a_template_file(personas, login):
    from django.contrib.staticfiles import finders

    pages = [
        (personas["fund_manager"], reverse("donors:import_upload")),
        (personas["head"], reverse("beneficiaries:import_upload")),
        (personas["treasurer"], reverse("funds:reconciliation")),
    ]
    for user, url in pages:
        body = login(user).get(url).content.decode()
        href = body.split('data-testid="import-template"')[0].rsplit('href="', 1)[1].split('"')[0]
        assert finders.find(href.removeprefix("/static/")), href
