"""Nothing personal reaches a public page, download or API of the transparency portal."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from beneficiaries.models import Household, Person
from donors.models import Donor
from funds.services import period_close
from transparency.periods import Period
from transparency.services import report_publish


def _identities() -> set[str]:
    """Return every identity number, personal name, address, phone and health note of the demo."""
    found: set[str] = set()
    for h in Household.objects.all():
        found |= {h.kk_number, h.street_address, h.phone}
    for m in Person.objects.all():
        found |= {m.nik, m.name, m.health_notes}
    for d in Donor.objects.filter(kind__in=[Donor.Kind.CIVIL_SERVANT, Donor.Kind.INDIVIDUAL]):
        found |= {d.name, d.nip or "", d.email}
    # "Hamba Allah" is how anonymous givers are recorded and shown: no one's name.
    found.discard("Hamba Allah")
    # The signatories sign the report as officials; a donor sharing their name is not exposed.
    from core.organisation import get_organisation

    org = get_organisation()
    signatories = f"{org.signatory_name} {org.treasurer_signatory_name}"
    found = {value for value in found if not value or value not in signatories}
    return {value.strip() for value in found if value and len(value.strip()) >= 6}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


@pytest.fixture
def demo_with_report(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    from core.models import User

    head = User.objects.get(email="kepala@kenanga.test")
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    period_close(year=start.year, month=start.month, actor=head)
    return report_publish(period=Period("month", start.year, start.month), actor=head)


def test_no_identity_of_the_demo_reaches_any_public_output(demo_with_report, client):
    report = demo_with_report
    identities = _identities()
    assert len(identities) > 50  # the demo holds households, members and donors to look for
    portal = reverse("transparency:portal")
    outputs: dict[str, str] = {}
    pages = [
        portal,
        f"{portal}?periode={report.period_code}",
        f"{portal}?periode={report.date_from.year}",
        f"{portal}?periode={report.date_from.year}-S{1 if report.date_from.month <= 6 else 2}",
        f"{portal}?periode={report.period_code}&dana=infak-mitra-kenanga",
        reverse("transparency:report_list"),
        reverse("transparency:open_data"),
        reverse("transparency:open_data_schema"),
        f"{reverse('transparency:verify')}?hash={report.hash}",
        f"{reverse('transparency:document_check')}?number=000001/TTS/{report.date_from.year}",
        reverse("core:home"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        outputs[url] = response.content.decode()
    for fmt in ("pdf", "json", "csv", "xlsx", "360giving.csv"):
        url = reverse("transparency:report_download", args=[report.hash, fmt])
        response = client.get(url)
        assert response.status_code == 200, url
        data = response.content
        if fmt == "pdf":
            outputs[url] = _pdf_text(data)
        elif fmt == "xlsx":
            outputs[url] = _xlsx_text(data)
        else:
            outputs[url] = data.decode("utf-8")
    assert "Hamba Allah" in outputs[f"{portal}?periode={report.period_code}"]
    outputs.update(_impact_reports(client))
    for url, text in outputs.items():
        leaked = sorted(value for value in identities if value in text)
        assert not leaked, f"{url} shows {leaked[:5]}"
    # And the JSON is what the published report holds, nothing more.
    url = reverse("transparency:report_download", args=[report.hash, "json"])
    assert json.loads(outputs[url]) == report.snapshot


def _impact_reports(client) -> dict[str, str]:
    """Return every CSR partner's impact reports (pages, PDFs, photo captions), read as the partner.

    A company attaches these to its own CSR report: they are public in effect.
    """
    from donors.models import Partner

    outputs: dict[str, str] = {}
    partners = list(Partner.objects.select_related("user"))
    assert len(partners) >= 3
    for partner in partners:
        client.force_login(partner.user)
        urls = [reverse("donors:partner_report", args=[partner.pk])] + [
            reverse("donors:pledge_report", args=[pledge.pk]) for pledge in partner.pledges.all()
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            outputs[url] = response.content.decode()
            pdf = client.get(url + "?format=pdf")
            assert pdf["Content-Type"] == "application/pdf", url
            outputs[url + "?format=pdf"] = _pdf_text(pdf.content)
    client.logout()
    return outputs
