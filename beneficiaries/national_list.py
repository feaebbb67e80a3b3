"""Import of a national-list extract (DTKS, DTSEN, PPLS): parse, validate, commit.

Format: docs/formats/national-list.md. Every row is validated before anything
is written; the commit then writes all households, persons and memberships
in one database transaction with bulk inserts, or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.errors import BeneficiaryError
from beneficiaries.models import Household, ImportBatch, Membership, Person, Region
from beneficiaries.services import kk_hash, nik_hash
from core.audit import audit_log
from core.crypto import encrypt, mask_digits
from core.identity import IdentityError, parse_nik, validate_kk
from core.imports import ImportFileError, RowError, read_table
from core.models import Job
from core.roles import Role
from core.uploads import stored_file_delete, stored_file_open, stored_file_save

REQUIRED = [
    "NO_KK",
    "NIK",
    "NAMA",
    "JENIS_KELAMIN",
    "TANGGAL_LAHIR",
    "HUBUNGAN_KELUARGA",
    "KODE_DESA",
    "ALAMAT",
    "RT",
    "RW",
    "DESIL",
]
ALIASES = {
    "NOMOR_KK": "NO_KK",
    "NO_KARTU_KELUARGA": "NO_KK",
    "NAMA_LENGKAP": "NAMA",
    "JK": "JENIS_KELAMIN",
    "TGL_LAHIR": "TANGGAL_LAHIR",
    "HUB_KELUARGA": "HUBUNGAN_KELUARGA",
    "HUBUNGAN": "HUBUNGAN_KELUARGA",
    "KD_DESA": "KODE_DESA",
    "KODE_WILAYAH": "KODE_DESA",
    "DESIL_KESEJAHTERAAN": "DESIL",
}
# DTKS relation codes and words, onto ours.
RELATIONS = {
    "1": Membership.Relation.HEAD,
    "KEPALA KELUARGA": Membership.Relation.HEAD,
    "KEPALA RUMAH TANGGA": Membership.Relation.HEAD,
    "2": Membership.Relation.SPOUSE,
    "ISTRI": Membership.Relation.SPOUSE,
    "SUAMI": Membership.Relation.SPOUSE,
    "ISTRI/SUAMI": Membership.Relation.SPOUSE,
    "3": Membership.Relation.CHILD,
    "ANAK": Membership.Relation.CHILD,
    "4": Membership.Relation.OTHER,
    "MENANTU": Membership.Relation.OTHER,
    "5": Membership.Relation.GRANDCHILD,
    "CUCU": Membership.Relation.GRANDCHILD,
    "6": Membership.Relation.PARENT,
    "ORANG TUA": Membership.Relation.PARENT,
    "7": Membership.Relation.PARENT,
    "MERTUA": Membership.Relation.PARENT,
    "8": Membership.Relation.OTHER,
    "FAMILI LAIN": Membership.Relation.OTHER,
    "9": Membership.Relation.OTHER,
    "LAINNYA": Membership.Relation.OTHER,
}
BATCH_SIZE = 2000


@dataclass
class ParsedPerson:
    row: int
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    relation: str
    nik_hash: str = ""


@dataclass
class ParsedHousehold:
    row: int
    kk: str
    village_code: str
    address: str
    rt: str
    rw: str
    decile: int | None
    members: list[ParsedPerson] = field(default_factory=list)
    kk_hash: str = ""


@dataclass
class ParsedList:
    households: list[ParsedHousehold]
    errors: list[RowError]
    warnings: list[str]
    rows: int

    @property
    def persons(self) -> int:
        return sum(len(h.members) for h in self.households)


_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> dt.date:
    """Read dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd (strptime is the slow part of an import)."""
    text = text.strip().split(" ")[0]  # XLSX dates arrive as "2024-01-31 00:00:00"
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    day, month, year = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
    return dt.date(int(year), int(month), int(day))  # ValueError when the date does not exist


def parse_national_list(
    data: bytes, *, filename: str = "", progress: Callable[[int, int], None] | None = None
) -> ParsedList:
    """Read and validate every row; return the households found and every error."""
    try:
        table = read_table(data, filename=filename, required=REQUIRED, aliases=ALIASES)
    except ImportFileError as exc:
        return ParsedList([], [RowError(1, "", str(exc))], [], 0)
    villages = set(Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True))
    districts = set(
        Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", flat=True)
    )
    errors: list[RowError] = []
    warnings = list(table.warnings)
    households: dict[str, ParsedHousehold] = {}
    seen_nik: dict[str, int] = {}
    total = len(table.rows)
    today = dt.date.today()
    unknown_prefixes: dict[str, int] = {}
    for index, (line, row) in enumerate(table.rows):
        if progress and index % 5000 == 0:
            progress(index, total)
        before = len(errors)
        try:
            kk = validate_kk(row.get("NO_KK"))
        except IdentityError as exc:
            errors.append(RowError(line, "NO_KK", str(exc)))
            kk = ""
        try:
            info = parse_nik(row.get("NIK"), today=today)
            nik = info.nik
            code6 = info.region_code
            district = f"{code6[:2]}.{code6[2:4]}.{code6[4:6]}"
            if district not in districts:
                unknown_prefixes.setdefault(district, line)
        except IdentityError as exc:
            errors.append(RowError(line, "NIK", str(exc)))
            nik = ""
        name = row.get("NAMA", "").strip()
        if not name:
            errors.append(RowError(line, "NAMA", _("Nama kosong.")))
        sex = row.get("JENIS_KELAMIN", "").strip().upper()[:1]
        if sex not in ("L", "P"):
            errors.append(RowError(line, "JENIS_KELAMIN", _("Harus L atau P.")))
        try:
            birth = parse_date(row.get("TANGGAL_LAHIR", ""))
        except ValueError:
            errors.append(
                RowError(
                    line,
                    "TANGGAL_LAHIR",
                    _("Tanggal %(v)r tidak terbaca (dd-mm-yyyy, dd/mm/yyyy atau yyyy-mm-dd).")
                    % {"v": row.get("TANGGAL_LAHIR", "")},
                )
            )
            birth = None
        relation = RELATIONS.get(row.get("HUBUNGAN_KELUARGA", "").strip().upper())
        if relation is None:
            errors.append(
                RowError(
                    line,
                    "HUBUNGAN_KELUARGA",
                    _("Hubungan keluarga %(v)r tidak dikenal.")
                    % {"v": row.get("HUBUNGAN_KELUARGA", "")},
                )
            )
        code = "".join(ch for ch in row.get("KODE_DESA", "") if ch.isdigit())
        village = f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}" if len(code) == 10 else ""
        if len(code) != 10:
            errors.append(RowError(line, "KODE_DESA", _("Kode desa harus 10 angka.")))
        elif village not in villages:
            errors.append(
                RowError(line, "KODE_DESA", _("Kode desa %(c)s tidak dikenal.") % {"c": code})
            )
        rt, rw = row.get("RT", "").strip(), row.get("RW", "").strip()
        for column, value in (("RT", rt), ("RW", rw)):
            if value and (not value.isdigit() or len(value) > 3):
                errors.append(RowError(line, column, _("Harus angka, paling banyak 3 digit.")))
        decile_text = row.get("DESIL", "").strip()
        decile = None
        if decile_text:
            if decile_text.isdigit() and 1 <= int(decile_text) <= 10:
                decile = int(decile_text)
            else:
                errors.append(RowError(line, "DESIL", _("Desil harus 1 sampai 10.")))
        if nik:
            if nik in seen_nik:
                errors.append(
                    RowError(
                        line,
                        "NIK",
                        _("NIK ganda: sudah ada di baris %(r)d.") % {"r": seen_nik[nik]},
                    )
                )
            else:
                seen_nik[nik] = line
        if len(errors) > before:
            continue
        household = households.get(kk)
        if household is None:
            household = households[kk] = ParsedHousehold(
                row=line,
                kk=kk,
                village_code=village,
                address=row.get("ALAMAT", "").strip(),
                rt=rt,
                rw=rw,
                decile=decile,
            )
        elif household.village_code != village:
            errors.append(
                RowError(
                    line,
                    "KODE_DESA",
                    _("KK yang sama tercatat di desa lain pada baris %(r)d.")
                    % {"r": household.row},
                )
            )
            continue
        household.members.append(ParsedPerson(line, nik, name, sex, birth, relation))

    for household in households.values():
        heads = [m for m in household.members if m.relation == Membership.Relation.HEAD]
        if len(heads) != 1:
            errors.append(
                RowError(
                    household.row,
                    "HUBUNGAN_KELUARGA",
                    _("KK harus punya tepat satu kepala keluarga (ada %(n)d).") % {"n": len(heads)},
                )
            )
    _check_registry_duplicates(households, errors)
    for prefix, line in sorted(unknown_prefixes.items()):
        warnings.append(
            _("Kode wilayah NIK %(c)s tidak dikenal (pertama di baris %(r)d); tetap diterima.")
            % {"c": prefix, "r": line}
        )
    if progress:
        progress(total, total)
    errors.sort(key=lambda e: (e.row, e.column))
    return ParsedList(list(households.values()), errors, warnings, total)


def _check_registry_duplicates(households: dict[str, ParsedHousehold], errors: list[RowError]):
    """Hash every KK and NIK once, and report those already in the registry."""
    for household in households.values():
        household.kk_hash = kk_hash(household.kk)
        for member in household.members:
            member.nik_hash = nik_hash(member.nik)
    by_kk_hash = {h.kk_hash: h for h in households.values()}
    by_nik_hash = {m.nik_hash: m for h in households.values() for m in h.members}
    for chunk in _chunks(list(by_kk_hash), 900):
        for found in Household.objects.filter(kk_hash__in=chunk).values_list("kk_hash", flat=True):
            errors.append(
                RowError(by_kk_hash[found].row, "NO_KK", _("Nomor KK sudah ada dalam registri."))
            )
    for chunk in _chunks(list(by_nik_hash), 900):
        for found in Person.objects.filter(nik_hash__in=chunk).values_list("nik_hash", flat=True):
            errors.append(
                RowError(by_nik_hash[found].row, "NIK", _("NIK sudah ada dalam registri."))
            )


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_refusal(*, source: str, as_of: dt.date, digest: str) -> str:
    """Return why this file or period cannot be imported again, or ''."""
    done = ImportBatch.objects.filter(status=ImportBatch.Status.IMPORTED)
    if done.filter(file_sha256=digest).exists():
        return _("Berkas yang sama sudah pernah diimpor.")
    if done.filter(source=source, as_of=as_of).exists():
        return _("Data %(s)s bertanggal %(d)s sudah pernah diimpor.") % {
            "s": source.upper(),
            "d": as_of.strftime("%d-%m-%Y"),
        }
    return ""


PREVIEW_HOUSEHOLDS = 20
PREVIEW_ERRORS = 200


def preview_from_parsed(parsed: ParsedList) -> dict:
    """Return what the preview page shows, KK numbers masked, to be stored with the batch."""
    return {
        "rows": parsed.rows,
        "households": len(parsed.households),
        "persons": parsed.persons,
        "warnings": [str(w) for w in parsed.warnings],
        "error_count": len(parsed.errors),
        "errors": [str(e) for e in parsed.errors[:PREVIEW_ERRORS]],
        "sample": [
            {
                "row": h.row,
                "kk": mask_digits(h.kk),
                "village_code": h.village_code,
                "rt": h.rt,
                "rw": h.rw,
                "decile": h.decile,
                "members": len(h.members),
            }
            for h in parsed.households[:PREVIEW_HOUSEHOLDS]
        ],
    }


def import_batch_create(
    *, upload, filename: str, source: str, as_of: dt.date, actor
) -> ImportBatch:
    """Check and parse an uploaded list once, keep it encrypted, and record its preview.

    A file with errors is not kept at all: it can never be imported, and the
    preview already says what to fix.
    """
    data = upload if isinstance(upload, bytes) else upload.read()
    digest = file_digest(data)
    refusal = import_refusal(source=source, as_of=as_of, digest=digest)
    if refusal:
        raise BeneficiaryError(refusal)
    parsed = parse_national_list(data, filename=filename)
    with transaction.atomic():
        stored = None
        if not parsed.errors:
            try:
                stored = stored_file_save(
                    upload=data,
                    purpose="beneficiaries.import",
                    allowed=("csv", "xlsx"),
                    max_bytes=settings.KENANGA_MAX_UPLOAD_BYTES,
                    actor=actor,
                )
            except ValidationError as exc:
                raise BeneficiaryError(" ".join(exc.messages)) from None
        batch = ImportBatch.objects.create(
            source=source,
            as_of=as_of,
            filename=filename[:255],
            file_sha256=digest,
            stored=stored,
            preview=preview_from_parsed(parsed),
            created_by=actor,
        )
        audit_log(
            batch,
            "beneficiaries.import.uploaded",
            actor=actor,
            changes={"rows": parsed.rows, "errors": len(parsed.errors), "source": source},
        )
    return batch


def import_batch_data(batch: ImportBatch) -> bytes:
    """Return the uploaded file of a batch, decrypted (or as kept before encryption)."""
    if batch.stored_id:
        try:
            return stored_file_open(batch.stored)
        except FileNotFoundError:
            raise BeneficiaryError(_("Berkas impor sudah dihapus; unggah lagi.")) from None
    if batch.file:
        with batch.file.open("rb") as fh:
            return fh.read()
    raise BeneficiaryError(_("Berkas impor sudah dihapus; unggah lagi."))


def national_list_confirm(*, batch: ImportBatch, actor) -> Job:
    """Start the import of a previewed batch: one job, queued when this transaction commits.

    Two officers pressing "import" at the same moment meet at the batch's row
    lock: the second sees the first one's job and gets it back, so a batch
    never has two jobs racing to write the same households. Only after a
    failed job may the batch be tried again with a new one.
    """
    from beneficiaries.tasks import national_list_import

    if not actor.has_role(Role.VERIFIER, Role.HEAD):
        raise BeneficiaryError(_("Impor daftar nasional dijalankan oleh verifikator atau kepala."))
    with transaction.atomic():
        # NO KEY UPDATE: two confirmations still queue here, but the import itself
        # (FOR UPDATE) stays the only writer that waits on readers of the batch.
        batch = ImportBatch.objects.select_for_update(no_key=True).get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEW:
            raise BeneficiaryError(_("Impor ini sudah diproses."))
        if (batch.preview or {}).get("error_count"):
            raise BeneficiaryError(_("Berkas ini berisi kesalahan; perbaiki lalu unggah lagi."))
        running = Job.objects.filter(pk=batch.job_id).exclude(status=Job.Status.FAILED).first()
        if running is not None:
            return running
        job = Job.objects.create(kind="beneficiaries.national_list", created_by=actor)
        batch.job = job
        batch.save(update_fields=["job"])
        audit_log(batch, "beneficiaries.import.confirmed", actor=actor, changes={"job": job.pk})
        batch_id, job_id = batch.pk, job.pk
        transaction.on_commit(lambda: national_list_import.delay(batch_id, job_id))
    return job


def national_list_commit(
    *,
    batch: ImportBatch,
    parsed: ParsedList,
    actor,
    progress: Callable[[int, int], None] | None = None,
) -> ImportBatch:
    """Write every household of a validated list, or nothing; raise BeneficiaryError."""
    if parsed.errors:
        raise BeneficiaryError(_("Berkas masih berisi kesalahan: tidak ada yang diimpor."))
    refusal = import_refusal(source=batch.source, as_of=batch.as_of, digest=batch.file_sha256)
    if refusal:
        raise BeneficiaryError(refusal)
    total = len(parsed.households)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.PREVIEW:
            raise BeneficiaryError(_("Impor ini sudah diproses."))
        done = 0
        write = _copy_chunk if connection.vendor == "postgresql" else _write_chunk
        for chunk in _chunks(parsed.households, BATCH_SIZE):
            write(chunk, batch)
            done += len(chunk)
            if progress:
                progress(done, total)
        batch.status = ImportBatch.Status.IMPORTED
        batch.households, batch.persons = total, parsed.persons
        batch.save(update_fields=["status", "households", "persons"])
        audit_log(
            batch,
            "beneficiaries.import.committed",
            actor=actor,
            changes={"households": total, "persons": parsed.persons, "source": batch.source},
        )
        # The file's purpose has ended: its rows now live encrypted in the registry.
        if batch.stored_id:
            stored_file_delete(stored=batch.stored, actor=actor)
    return batch


def _write_chunk(chunk: list[ParsedHousehold], batch: ImportBatch) -> None:
    # EncryptedTextField encrypts in get_prep_value, which bulk_create calls:
    # the encryption cost is part of the measured import rate (bench/).
    households = Household.objects.bulk_create(
        [
            Household(
                kk_number=h.kk,
                kk_hash=h.kk_hash,
                village_id=h.village_code,
                street_address=h.address,
                rt=h.rt,
                rw=h.rw,
                list_source=batch.source,
                list_as_of=batch.as_of,
                decile=h.decile,
                import_batch=batch,
            )
            for h in chunk
        ],
        batch_size=BATCH_SIZE,
    )
    people = [
        Person(
            nik=m.nik,
            nik_hash=m.nik_hash,
            name=m.name,
            sex=m.sex,
            birth_date=m.birth_date,
        )
        for h in chunk
        for m in h.members
    ]
    people = Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    memberships = []
    index = 0
    for household, parsed in zip(households, chunk, strict=True):
        for member in parsed.members:
            memberships.append(
                Membership(
                    household_id=household.pk,
                    person_id=people[index].pk,
                    relation=member.relation,
                    started_on=batch.as_of,
                )
            )
            index += 1
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)


def _columns(model, names: list[str]) -> str:
    return ", ".join(model._meta.get_field(name).column for name in names)


def _reserve_ids(cursor, model, count: int) -> list[int]:
    table = model._meta.db_table
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_chunk(chunk: list[ParsedHousehold], batch: ImportBatch) -> None:
    """Write a chunk with PostgreSQL COPY: ids reserved from the sequences first.

    Same rows as _write_chunk (values encrypted with the same Fernet key the
    fields use), without the ORM's per-value overhead.
    """
    now = timezone.now()
    people = [m for h in chunk for m in h.members]
    with connection.cursor() as cursor:
        household_ids = _reserve_ids(cursor, Household, len(chunk))
        person_ids = _reserve_ids(cursor, Person, len(people))
        household_cols = [
            "id", "kk_number", "kk_hash", "village", "street_address", "rt", "rw", "phone",
            "list_source", "list_as_of", "decile", "import_batch", "grade", "created_at",
        ]  # fmt: skip
        table = Household._meta.db_table
        with cursor.copy(
            f"COPY {table} ({_columns(Household, household_cols)}) FROM STDIN"
        ) as copy:
            for pk, h in zip(household_ids, chunk, strict=True):
                copy.write_row(
                    (pk, encrypt(h.kk), h.kk_hash, h.village_code, encrypt(h.address), h.rt, h.rw,
                     "", batch.source, batch.as_of, h.decile, batch.pk, "", now)
                )  # fmt: skip
        person_cols = [
            "id", "nik", "nik_hash", "name", "sex", "birth_date", "school_level", "disability",
            "health_notes",
        ]  # fmt: skip
        table = Person._meta.db_table
        with cursor.copy(f"COPY {table} ({_columns(Person, person_cols)}) FROM STDIN") as copy:
            for pk, m in zip(person_ids, people, strict=True):
                copy.write_row(
                    (pk, encrypt(m.nik), m.nik_hash, m.name, m.sex, m.birth_date, "", "", "")
                )
        membership_cols = ["household", "person", "relation", "started_on"]
        table = Membership._meta.db_table
        with cursor.copy(
            f"COPY {table} ({_columns(Membership, membership_cols)}) FROM STDIN"
        ) as copy:
            index = 0
            for household_id, h in zip(household_ids, chunk, strict=True):
                for m in h.members:
                    copy.write_row((household_id, person_ids[index], m.relation, batch.as_of))
                    index += 1
