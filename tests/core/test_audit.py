import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from openpyxl import load_workbook

from core.audit import audit_log, audit_trail_for, diff
from core.models import AuditEntry


def test_an_audit_entry_records_who_what_and_the_change(personas, org):
    entry = audit_log(
        org,
        "core.organisation.updated",
        actor=personas["admin"],
        changes=diff({"npwp": "1"}, {"npwp": "2"}),
    )
    assert entry.actor == personas["admin"]
    assert entry.object_type == "core.organisation"
    assert entry.changes == {"npwp": ["1", "2"]}
    assert list(audit_trail_for(org)) == [entry]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_to_rewrite_the_audit_log(sql, org):
    entry = audit_log(org, "core.test.written")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.action == "core.test.written"


def test_the_orm_cannot_change_an_entry_either(org):
    entry = audit_log(org, "core.test.written")
    entry.action = "forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "core.test.written"


def test_an_auditor_filters_the_audit_log(personas, org, login):
    audit_log(org, "funds.transaction.posted", actor=personas["treasurer"])
    audit_log(org, "core.organisation.updated", actor=personas["admin"])
    response = login(personas["auditor"]).get("/audit/", {"action": "funds."})
    body = response.content.decode()
    assert response.status_code == 200
    # The page words the actions ("Transaksi dibukukan"); the filter still takes the codes.
    assert "Transaksi dibukukan" in body
    assert "Profil organisasi diubah" not in body


def test_a_head_exports_the_audit_log_as_csv_and_xlsx(personas, org, login):
    audit_log(org, "funds.transaction.posted", actor=personas["treasurer"])
    client = login(personas["head"])
    response = client.get("/audit/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Waktu"
    assert any("funds.transaction.posted" in row for row in rows[1:])

    response = client.get("/audit/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "funds.transaction.posted" in values


def test_a_bad_date_filter_is_reported_not_crashed(personas, login):
    response = login(personas["auditor"]).get("/audit/", {"date_from": "kemarin"})
    assert response.status_code == 200
    assert (
        "is-invalid" in response.content.decode() or "Masukkan tanggal" in response.content.decode()
    )


def test_a_fund_manager_cannot_see_the_audit_log(personas, login):
    assert login(personas["fund_manager"]).get("/audit/").status_code == 404
