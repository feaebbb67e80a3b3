"""The audit trail reads in people's words, with what changed as before/after."""

import pytest
from django.urls import reverse

from core.audit import audit_log
from core.audit_words import action_words, change_rows

pytestmark = pytest.mark.django_db


def test_known_actions_read_as_words():
    assert action_words("donors.contribution.recorded") == "Sumbangan dicatat"
    assert action_words("beneficiaries.member.nik_viewed") == "Anggota keluarga NIK lengkap dilihat"
    assert action_words("funds.period.closed") == "Periode ditutup"


def test_an_action_from_a_new_app_still_reads_without_codes():
    assert action_words("disbursements.payment_batch.sent_out") == "Payment batch sent out"
    assert action_words("odd") == "odd"


def test_changes_become_before_and_after_rows():
    assert change_rows({"name": ["Budi", "Budi Santoso"], "consent_by": "Bu Sumi"}) == [
        ("name", "Budi", "Budi Santoso"),
        ("consent by", "—", "Bu Sumi"),
    ]
    assert change_rows("not a dict") == []


def test_the_audit_page_shows_words_and_a_change_table_not_json(personas, login, org):
    audit_log(
        org, "core.organisation.updated", actor=personas["admin"], changes={"name": ["A", "B"]}
    )
    body = login(personas["auditor"]).get(reverse("core:audit")).content.decode()
    assert "Profil organisasi diubah" in body
    assert "core.organisation.updated" not in body
    assert '<table class="table table-sm table-borderless mb-0 small audit-changes">' in body
    assert '{"name"' not in body


def test_the_audit_export_keeps_the_exact_codes(personas, login, org):
    audit_log(org, "core.organisation.updated", actor=personas["admin"], changes={})
    response = login(personas["auditor"]).get(reverse("core:audit"), {"export": "csv"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"core.organisation.updated" in content
