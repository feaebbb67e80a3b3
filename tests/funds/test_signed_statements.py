"""A signed statement stays signed for every reader and can be shown again exactly."""

import datetime as dt
import io

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from funds.models import Fund, StatementSignoff
from funds.services import fund_update, period_close, statement_sign
from funds.statements import Statements, statements_for_period
from funds.verify import ledger_verify

MAY = {"date_from": "2025-05-01", "date_to": "2025-05-31"}
QUERY = "?date_from=2025-05-01&date_to=2025-05-31"


def _pdf_text(response) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_the_fingerprint_is_the_same_in_english_and_in_indonesian(ledger, give):
    give(ledger.matra, "1000", date=dt.date(2025, 5, 2))
    period = {"date_from": dt.date(2025, 5, 1), "date_to": dt.date(2025, 5, 31)}
    with translation.override("id"):
        indonesian = statements_for_period(**period).figures_hash
    with translation.override("en"):
        english = statements_for_period(**period).figures_hash
    assert indonesian == english


def test_an_english_reader_sees_the_period_as_signed(ledger, give, login, personas, client):
    give(ledger.matra, "1000", date=dt.date(2025, 5, 2))
    statement_sign(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31), actor=ledger.head)
    login(personas["treasurer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("funds:statements") + QUERY).content.decode()
    assert "Belum disahkan" not in page and "Not signed" not in page
    pdf = _pdf_text(client.get(reverse("funds:statements_pdf") + QUERY))
    assert "BELUM DISAHKAN" not in pdf and "NOT SIGNED" not in pdf.upper()


def test_renaming_a_fund_does_not_unsign_the_past_and_the_signed_names_stay(
    ledger, give, login, personas
):
    give(ledger.matra, "1000", date=dt.date(2025, 5, 2))
    signoff = statement_sign(
        date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31), actor=ledger.head
    )
    fund_update(
        fund=ledger.matra,
        name="Dana Baru Sekali",
        purpose="",
        allowed_programmes=[],
        allowed_areas=[],
        actor=ledger.head,
    )
    client = login(personas["treasurer"])
    current = client.get(reverse("funds:statements") + QUERY).content.decode()
    assert "Belum disahkan" not in current and "Dana Baru Sekali" in current
    signed = client.get(
        reverse("funds:statements") + QUERY + f"&signoff={signoff.pk}"
    ).content.decode()
    assert "MATRA" in signed and "Dana Baru Sekali" not in signed
    assert ledger_verify() == []


def test_the_signed_figures_are_stored_and_rebuild_the_same_statements(ledger, give):
    give(ledger.matra, "1000", date=dt.date(2025, 5, 2))
    give(ledger.infak, "250", date=dt.date(2025, 4, 2))
    signoff = statement_sign(
        date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31), actor=ledger.head
    )
    live = statements_for_period(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31))
    again = Statements.from_snapshot(StatementSignoff.objects.get(pk=signoff.pk).figures)
    assert again.figures_hash == live.figures_hash == signoff.figures_hash
    assert [(r.label, r.values()) for r in again.funds] == [
        (r.label, r.values()) for r in live.funds
    ]
    assert again.net_assets.closing == live.net_assets.closing
    # A later, back-dated posting changes today's figures, not the signed ones.
    give(ledger.matra, "5", date=dt.date(2025, 5, 20))
    assert ledger_verify() == []
    assert (
        statements_for_period(
            date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31)
        ).figures_hash
        != signoff.figures_hash
    )


def test_the_pdf_prints_the_head_hash_of_every_closed_month(ledger, give, login, personas):
    last_april = give(ledger.matra, "1000", date=dt.date(2025, 4, 2))
    period_close(year=2025, month=4, actor=ledger.head, today=dt.date(2025, 6, 2))
    last_may = give(ledger.matra, "500", date=dt.date(2025, 5, 2))
    period_close(year=2025, month=5, actor=ledger.head, today=dt.date(2025, 6, 2))
    signoff = statement_sign(
        date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31), actor=ledger.head
    )
    client = login(personas["auditor"])
    text = _pdf_text(client.get(reverse("funds:statements_pdf") + QUERY)).replace("\n", "")
    assert last_april.hash in text and last_may.hash in text
    assert "04/2025" in text and "05/2025" in text
    assert signoff.figures_hash in text
    signed_pdf = client.get(reverse("funds:statements_pdf") + QUERY + f"&signoff={signoff.pk}")
    assert "Disahkan" in _pdf_text(signed_pdf)


def test_a_bad_signoff_parameter_is_a_bad_request(ledger, login, personas):
    client = login(personas["auditor"])
    for bad in ("abc", "999999"):
        url = reverse("funds:statements") + QUERY + f"&signoff={bad}"
        assert client.get(url).status_code == 400
    assert Fund.objects.exists()
