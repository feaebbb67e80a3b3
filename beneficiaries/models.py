"""Households (KK), their members (NIK), and how they are checked and decided.

Personal fields (NIK, KK number, phone, street address, health notes,
complainants' contact) are encrypted at rest; each searchable one has a keyed
hash column beside it, so look-ups and duplicate checks never need the clear
value in the database.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField, mask_digits


class Region(models.Model):
    """A Kemendagri region: province (2), regency (4), district (6), village (10 digits)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)  # dotted: 33.14.01.2001
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_kelurahan(self) -> bool:
        # Kemendagri: the village serial starts with 1 for a kelurahan, 2 for a desa.
        return self.level == self.Level.VILLAGE and self.code[-4] == "1"


class Grade(models.TextChoices):
    """Sragen's card grades, plus the emergency case for non-poor citizens."""

    VERY_POOR = "very_poor", _("Sangat miskin (Melati)")
    POOR = "poor", _("Miskin (Menur)")
    NEAR_POOR = "near_poor", _("Hampir miskin (Kenanga)")
    EMERGENCY = "emergency", _("Tidak miskin, keadaan darurat")
    NOT_POOR = "not_poor", _("Tidak miskin")


class ListSource(models.TextChoices):
    DTKS = "dtks", "DTKS"
    DTSEN = "dtsen", "DTSEN"
    PPLS = "ppls", "PPLS"


class Household(models.Model):
    kk_number = EncryptedTextField(_("nomor KK"))
    # Keyed hashes are unique through Meta.constraints, not unique=True: on
    # PostgreSQL that also builds a useless LIKE index per column.
    kk_hash = models.CharField(max_length=64, editable=False)
    village = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("desa/kelurahan"),
    )
    street_address = EncryptedTextField(_("alamat"), blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    phone = EncryptedTextField(_("telepon"), blank=True)
    # What the national list says, as of its data date (empty: not listed).
    list_source = models.CharField(
        _("daftar nasional"), max_length=10, choices=ListSource.choices, blank=True
    )
    list_as_of = models.DateField(_("tanggal data"), null=True, blank=True)
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("tingkat"), max_length=12, choices=Grade.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rumah tangga")
        verbose_name_plural = _("rumah tangga")
        constraints = [
            models.CheckConstraint(
                condition=Q(decile__isnull=True) | Q(decile__gte=1, decile__lte=10),
                name="beneficiaries_household_decile_1_10",
            ),
            models.UniqueConstraint(fields=["kk_hash"], name="beneficiaries_household_kk_hash"),
        ]

    def __str__(self) -> str:
        return _("KK %(kk)s") % {"kk": self.kk_masked}

    @property
    def kk_masked(self) -> str:
        return mask_digits(self.kk_number)

    @property
    def is_listed(self) -> bool:
        return bool(self.list_source)


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    class SchoolLevel(models.TextChoices):
        NONE = "", _("Tidak/belum sekolah")
        PAUD = "paud", _("PAUD/TK")
        SD = "sd", _("SD/MI")
        SMP = "smp", _("SMP/MTs")
        SMA = "sma", _("SMA/SMK/MA")
        UNIVERSITY = "pt", _("Perguruan tinggi")

    nik = EncryptedTextField(_("NIK"))
    nik_hash = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("nama"), max_length=150, db_index=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    school_level = models.CharField(
        _("jenjang sekolah"), max_length=4, choices=SchoolLevel.choices, blank=True
    )
    disability = models.CharField(_("disabilitas"), max_length=100, blank=True)
    health_notes = EncryptedTextField(_("catatan kesehatan"), blank=True)

    class Meta:
        verbose_name = _("anggota keluarga")
        verbose_name_plural = _("anggota keluarga")
        constraints = [
            models.UniqueConstraint(fields=["nik_hash"], name="beneficiaries_person_nik_hash")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_masked(self) -> str:
        return mask_digits(self.nik)


class Membership(models.Model):
    """A person's place in a household over time; a move ends one and starts another."""

    class Relation(models.TextChoices):
        HEAD = "head", _("Kepala keluarga")
        SPOUSE = "spouse", _("Istri/suami")
        CHILD = "child", _("Anak")
        PARENT = "parent", _("Orang tua/mertua")
        GRANDCHILD = "grandchild", _("Cucu")
        OTHER = "other", _("Famili lain")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(_("hubungan"), max_length=12, choices=Relation.choices)
    started_on = models.DateField(_("mulai"))
    ended_on = models.DateField(_("berakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("keanggotaan keluarga")
        verbose_name_plural = _("keanggotaan keluarga")
        constraints = [
            # The database itself keeps a person in one active household.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="beneficiaries_one_active_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_relation_display()}"


class ImportBatch(models.Model):
    """One national-list file: previewed, then committed all or nothing."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Pratinjau")
        IMPORTED = "imported", _("Diimpor")
        FAILED = "failed", _("Gagal")

    source = models.CharField(_("sumber"), max_length=10, choices=ListSource.choices)
    as_of = models.DateField(_("tanggal data"))
    filename = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    # The uploaded file, encrypted (core.uploads), deleted once the batch is
    # imported or its retention ends. `file` holds files kept before encryption,
    # in clear, until `manage.py encrypt_media` moves them.
    stored = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="private/imports/", blank=True)
    # What the preview page shows, parsed once at upload: the page never reads
    # the file again (a hostile file would cost its parse on every view).
    preview = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("impor daftar nasional")
        verbose_name_plural = _("impor daftar nasional")
        constraints = [
            # The same file, or the same source and data date, is imported once.
            models.UniqueConstraint(
                fields=["file_sha256"],
                condition=Q(status="imported"),
                name="beneficiaries_import_file_once",
            ),
            models.UniqueConstraint(
                fields=["source", "as_of"],
                condition=Q(status="imported"),
                name="beneficiaries_import_period_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.as_of:%d-%m-%Y} ({self.filename})"


class Registration(models.Model):
    """A family at the desk: matched, visited when not listed, then decided."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Datang sendiri")
        RT_RW = "rt_rw", _("Rujukan RT/RW")
        VILLAGE = "village", _("Rujukan desa/kelurahan")
        SCHOOL = "school", _("Rujukan sekolah")
        CLINIC = "clinic", _("Rujukan puskesmas/rumah sakit")
        OPD = "opd", _("Rujukan OPD")

    class Status(models.TextChoices):
        VISIT = "visit", _("Menunggu kunjungan rumah")
        AWAITING_DECISION = "awaiting", _("Menunggu keputusan")
        DECIDED = "decided", _("Diputuskan")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="registrations")
    channel = models.CharField(_("jalur"), max_length=10, choices=Channel.choices)
    referrer = models.CharField(_("perujuk"), max_length=150, blank=True)
    need = models.TextField(_("kebutuhan yang disampaikan"), blank=True)
    matched_national_list = models.BooleanField(_("ada di daftar nasional"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pendaftaran")
        verbose_name_plural = _("pendaftaran")
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return _("Pendaftaran #%(n)s") % {"n": self.pk}


class CriteriaSet(models.Model):
    """A versioned list of poverty criteria; a household qualifies at `min_met` or more."""

    code = models.SlugField(_("kode"), max_length=40)
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    name = models.CharField(_("nama"), max_length=150)
    min_met = models.PositiveSmallIntegerField(_("minimal kriteria terpenuhi"))
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("set kriteria")
        verbose_name_plural = _("set kriteria")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="beneficiaries_criteria_ver")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(_("kriteria"), max_length=300)

    class Meta:
        ordering = ["criteria_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "order"], name="beneficiaries_crit_ord")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class HomeVisit(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Ditugaskan")
        SUBMITTED = "submitted", _("Dilaporkan")

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="visit"
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="home_visits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    criteria_set = models.ForeignKey(CriteriaSet, null=True, on_delete=models.PROTECT)
    met = models.JSONField(_("kriteria terpenuhi"), default=list, blank=True)  # criterion orders
    met_count = models.PositiveSmallIntegerField(default=0)
    narrative = models.TextField(_("uraian"), blank=True)
    proposed_grade = models.CharField(
        _("usulan tingkat"), max_length=12, choices=Grade.choices, blank=True
    )
    visited_on = models.DateField(_("tanggal kunjungan"), null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kunjungan rumah")
        verbose_name_plural = _("kunjungan rumah")

    def __str__(self) -> str:
        return _("Kunjungan #%(n)s") % {"n": self.pk}

    @property
    def meets_threshold(self) -> bool:
        return bool(self.criteria_set) and self.met_count >= self.criteria_set.min_met


def _photo_path(instance, filename: str) -> str:
    # A random name: the uploaded one may hold a person's name and is guessable.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/visits/{uuid.uuid4().hex}.{suffix[:5]}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(HomeVisit, on_delete=models.PROTECT, related_name="photos")
    # The photo, re-encoded and encrypted (core.uploads); served only through a
    # view that checks the role.
    file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Photos stored before files were encrypted, in clear; `manage.py
    # encrypt_media` moves them into `file` and empties this.
    image = models.FileField(upload_to=_photo_path, blank=True)
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    consent_by = models.CharField(_("persetujuan diberikan oleh"), max_length=150)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foto kunjungan")
        verbose_name_plural = _("foto kunjungan")

    def __str__(self) -> str:
        return self.caption or f"Foto #{self.pk}"


class Basis(models.TextChoices):
    NATIONAL_LIST = "national_list", _("Daftar nasional (DTKS/DTSEN)")
    LOCAL_SURVEY = "local_survey", _("Survei lapangan")
    VILLAGE_LETTER = "village_letter", _("Surat keterangan desa (SKTM)")


class Decision(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="decision"
    )
    eligible = models.BooleanField(_("layak"))
    grade = models.CharField(_("tingkat"), max_length=12, choices=Grade.choices)
    basis = models.CharField(_("dasar keputusan"), max_length=20, choices=Basis.choices)
    basis_reference = models.CharField(_("rujukan dasar"), max_length=200, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")

    def __str__(self) -> str:
        return _("Keputusan #%(n)s") % {"n": self.pk}


def _token() -> str:
    return uuid.uuid4().hex


class Card(models.Model):
    """A household's card, valid one year; expiry ends eligibility by itself."""

    number = models.CharField(_("nomor kartu"), max_length=30, unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cards")
    grade = models.CharField(_("tingkat"), max_length=12, choices=Grade.choices)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"))
    revoked_on = models.DateField(_("dicabut"), null=True, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT)
    check_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kartu")
        verbose_name_plural = _("kartu")
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="beneficiaries_card_dates",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until and (
            self.revoked_on is None or day < self.revoked_on
        )


class EmergencyLetter(models.Model):
    """A recommendation letter for sudden need, valid one month."""

    class Reason(models.TextChoices):
        DISASTER = "disaster", _("Bencana")
        ILLNESS = "illness", _("Sakit darurat")
        OTHER = "other", _("Keadaan darurat lain")

    number = models.CharField(_("nomor surat"), max_length=30, unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="letters")
    reason = models.CharField(_("alasan"), max_length=10, choices=Reason.choices)
    description = models.TextField(_("uraian"))
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"))
    check_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("surat rekomendasi darurat")
        verbose_name_plural = _("surat rekomendasi darurat")
        ordering = ["-valid_until"]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


class Campaign(models.Model):
    """A yearly re-verification round."""

    name = models.CharField(_("nama"), max_length=150)
    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verifikasi ulang")
        verbose_name_plural = _("verifikasi ulang")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name


class CampaignItem(models.Model):
    class Outcome(models.TextChoices):
        L = "L", _("L: lulus (keluar dari kemiskinan)")
        B = "B", _("B: baru ditambahkan")
        P = "P", _("P: pas (tepat sasaran)")

    class Error(models.TextChoices):
        NONE = "", _("Tidak ada")
        INCLUSION = "inclusion", _("Salah masuk (terdaftar tetapi tidak miskin)")
        EXCLUSION = "exclusion", _("Salah keluar (miskin tetapi tidak terdaftar)")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="items")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("hasil"), max_length=1, choices=Outcome.choices, blank=True)
    error = models.CharField(_("kesalahan"), max_length=10, choices=Error.choices, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"], name="beneficiaries_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.household} · {self.outcome or '-'}"


class Complaint(models.Model):
    class Kind(models.TextChoices):
        DISPUTE = "dispute", _("Keberatan atas keputusan")
        MISSED = "missed", _("Keluarga miskin yang terlewat")
        OTHER = "other", _("Lainnya")

    class Channel(models.TextChoices):
        DESK = "desk", _("Loket")
        PUBLIC = "public", _("Formulir publik")

    reference = models.CharField(_("nomor pengaduan"), max_length=20, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("jalur"), max_length=10, choices=Channel.choices)
    name = models.CharField(_("nama pengadu"), max_length=150)
    contact = EncryptedTextField(_("kontak (telepon/e-mail)"))
    village = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("desa/kelurahan")
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    description = models.TextField(_("isi pengaduan"))
    received_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("batas jawab"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ditugaskan kepada"),
    )
    answer = models.TextField(_("jawaban"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_answered and (today or dt.date.today()) > self.due_on
