import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from beneficiaries.models import Household, ImportBatch, Membership, Person
from beneficiaries.national_list import national_list_commit, parse_national_list
from beneficiaries.selectors import household_by_nik
from core.models import AuditEntry

HEADER = "NO_KK;NIK;NAMA;JENIS_KELAMIN;TANGGAL_LAHIR;HUBUNGAN_KELUARGA;KODE_DESA;ALAMAT;RT;RW;DESIL"
ROWS = [
    "3314011503100001;3314011203850001;Sukiman;L;12-03-1985;KEPALA KELUARGA;3314012001;Dukuh Keden;002;001;1",
    "3314011503100001;3314015509870002;Sumiyati;P;15/09/1987;ISTRI;3314012001;Dukuh Keden;002;001;1",
    "3314011503100001;3314010107150003;Bayu;L;2015-07-01;ANAK;3314012001;Dukuh Keden;002;001;1",
    "3314101004120004;3314104404600004;Mbah Painem;P;04-04-1960;1;3314101002;Jl. Raya 5;001;003;2",
]


def csv_bytes(rows=None, header=HEADER) -> bytes:
    return ("\ufeff" + "\n".join([header, *(ROWS if rows is None else rows)]) + "\n").encode()


def _commit(data: bytes, *, as_of=dt.date(2025, 6, 30), actor=None):
    parsed = parse_national_list(data, filename="dtks.csv")
    batch = ImportBatch.objects.create(
        source="dtks", as_of=as_of, filename="dtks.csv", file_sha256=str(hash(data))[:64]
    )
    return national_list_commit(batch=batch, parsed=parsed, actor=actor), parsed


@pytest.mark.django_db
def test_a_valid_extract_imports_households_members_decile_and_data_date():
    batch, parsed = _commit(csv_bytes())
    assert parsed.errors == []
    assert (batch.households, batch.persons) == (2, 4)
    household = household_by_nik(nik="3314015509870002")
    assert household.list_source == "dtks"
    assert household.list_as_of == dt.date(2025, 6, 30)
    assert household.decile == 1
    assert household.village_id == "33.14.01.2001"
    # Written by bulk_create (SQLite) or COPY (PostgreSQL): both read back clear.
    assert household.kk_number == "3314011503100001"
    assert household.street_address == "Dukuh Keden"
    names = {m.person.nik: m.person.name for m in household.memberships.select_related("person")}
    assert names["3314015509870002"] == "Sumiyati"
    relations = sorted(household.memberships.values_list("relation", flat=True))
    assert relations == ["child", "head", "spouse"]
    assert AuditEntry.objects.filter(action="beneficiaries.import.committed").count() == 1


@pytest.mark.django_db
def test_header_case_column_order_and_other_columns_do_not_matter():
    header = "nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,kode_desa,alamat,rt,rw,desil,no_kk,PEKERJAAN"
    rows = [
        "3314011203850001,Sukiman,L,12-03-1985,1,3314012001,Keden,2,1,3,3314011503100001,Buruh tani",
    ]
    parsed = parse_national_list(csv_bytes(rows, header), filename="x.csv")
    assert parsed.errors == []
    assert parsed.households[0].decile == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("NIK", "331401120385001", "16 angka"),
        ("NIK", "3314013202850001", "tidak ada"),  # 32 February
        ("NIK", "3314011203850000", "0000"),
        ("NO_KK", "3314019913100001", "tidak ada"),
        ("JENIS_KELAMIN", "X", "L atau P"),
        ("TANGGAL_LAHIR", "1985.03.12", "tidak terbaca"),
        ("KODE_DESA", "3314019999", "tidak dikenal"),
        ("KODE_DESA", "33140120", "10 angka"),
        ("DESIL", "11", "1 sampai 10"),
        ("HUBUNGAN_KELUARGA", "TETANGGA", "tidak dikenal"),
    ],
)
def test_each_bad_cell_is_reported_by_row_and_column_and_nothing_is_imported(
    column, value, message
):
    columns = HEADER.split(";")
    cells = ROWS[3].split(";")
    cells[columns.index(column)] = value
    parsed = parse_national_list(csv_bytes([*ROWS[:3], ";".join(cells)]), filename="x.csv")
    assert [(e.row, e.column) for e in parsed.errors] == [(5, column)]
    assert message in parsed.errors[0].message
    batch = ImportBatch.objects.create(
        source="dtks", as_of=dt.date(2025, 6, 30), filename="x.csv", file_sha256="a" * 64
    )
    from beneficiaries.errors import BeneficiaryError

    with pytest.raises(BeneficiaryError):
        national_list_commit(batch=batch, parsed=parsed, actor=None)
    assert Household.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_nik_region_is_only_a_warning():
    rows = [ROWS[3].replace("3314104404600004", "9171104404600004")]
    parsed = parse_national_list(csv_bytes(rows), filename="x.csv")
    assert parsed.errors == []
    assert any("91.71.10" in w for w in parsed.warnings)


@pytest.mark.django_db
def test_duplicates_in_the_file_and_in_the_registry_are_reported():
    parsed = parse_national_list(csv_bytes([*ROWS, ROWS[0]]), filename="x.csv")
    assert any("ganda" in e.message and e.row == 6 for e in parsed.errors)
    _commit(csv_bytes())
    again = parse_national_list(csv_bytes(ROWS[3:]), filename="x.csv")
    assert {e.column for e in again.errors} == {"NO_KK", "NIK"}


@pytest.mark.django_db
def test_a_household_without_exactly_one_head_is_refused():
    parsed = parse_national_list(csv_bytes(ROWS[1:3]), filename="x.csv")
    assert any("kepala keluarga" in e.message for e in parsed.errors)


@pytest.mark.django_db
def test_the_same_period_cannot_be_imported_twice():
    from beneficiaries.errors import BeneficiaryError

    _commit(csv_bytes(ROWS[:3]))
    with pytest.raises(BeneficiaryError, match="sudah pernah diimpor"):
        _commit(csv_bytes(ROWS[3:]))
    assert Household.objects.count() == 1


@pytest.mark.django_db
def test_the_command_imports_a_file(tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_bytes(csv_bytes())
    out = io.StringIO()
    call_command(
        "import_households", str(path), "--source", "dtks", "--as-of", "2025-06-30", stdout=out
    )
    assert "2 KK" in out.getvalue()
    assert Membership.objects.count() == 4


@pytest.mark.django_db
def test_the_command_fails_and_imports_nothing_on_any_error(tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_bytes(csv_bytes([*ROWS, ROWS[0].replace("3314011203850001", "123")]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_households", str(path), "--source", "dtks", "--as-of", "2025-06-30", stderr=err
        )
    assert "Baris 6, kolom NIK" in err.getvalue()
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_the_command_refuses_a_bad_date_and_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_households", str(tmp_path / "nope.csv"), "--as-of", "2025-06-30")
    path = tmp_path / "dtks.csv"
    path.write_bytes(csv_bytes())
    with pytest.raises(CommandError):
        call_command("import_households", str(path), "--as-of", "30-06-2025x")
