"""Donors, contribution schemes, payroll imports, gifts and their receipts.

Money itself lives in the ledger (funds); every record here that moved money
points at the ledger transaction that carries it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField

MONEY = {"max_digits": 17, "decimal_places": 2}
ANONYMOUS_NAME = "Hamba Allah"


def _public_token() -> str:
    return secrets.token_urlsafe(16)


class Opd(models.Model):
    """A regional government work unit (Organisasi Perangkat Daerah) with its payroll."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Donor(models.Model):
    class Kind(models.TextChoices):
        CIVIL_SERVANT = "pns", _("Pegawai negeri (PNS)")
        INDIVIDUAL = "individual", _("Perorangan")
        COMPANY = "company", _("Perusahaan")
        INSTITUTION = "institution", _("Lembaga")

    class Position(models.TextChoices):
        ECHELON_II = "echelon_ii", _("Eselon II")
        ECHELON_III = "echelon_iii", _("Eselon III")
        PRINCIPAL_OR_UPT_HEAD = "principal_upt", _("Kepala sekolah / kepala UPT")
        STAFF = "staff", _("Staf / lainnya")

    class InstitutionType(models.TextChoices):
        BAZNAS = "baznas", _("BAZNAS")
        LAZ = "laz", _("Lembaga amil zakat (mis. Lazismu)")
        BANK = "bank", _("Bank")
        OTHER = "other", _("Lainnya")

    class Display(models.TextChoices):
        NAMED = "named", _("Dengan nama")
        ANONYMOUS = "anonymous", _("Hamba Allah")

    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, unique=True, null=True, blank=True)
    rank = models.CharField(_("pangkat/golongan"), max_length=50, blank=True)
    position = models.CharField(
        _("eselon/jabatan"), max_length=20, choices=Position.choices, blank=True
    )
    job_title = models.CharField(_("nama jabatan"), max_length=200, blank=True)
    opd = models.ForeignKey(
        Opd,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donors",
        verbose_name=_("OPD"),
    )
    npwp = models.CharField(_("NPWP"), max_length=25, blank=True)
    institution_type = models.CharField(
        _("jenis lembaga"), max_length=20, choices=InstitutionType.choices, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = EncryptedTextField(_("telepon"), blank=True)
    address = EncryptedTextField(_("alamat"), blank=True)
    display = models.CharField(
        _("tampil di publik sebagai"),
        max_length=10,
        choices=Display.choices,
        default=Display.ANONYMOUS,
    )
    name_consent_on = models.DateField(
        _("tanggal persetujuan nama ditampilkan"), null=True, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donor",
        verbose_name=_("akun login"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_donors",
        verbose_name=_("digabung ke"),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("donatur")
        verbose_name_plural = _("donatur")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name", "id"], name="donors_donor_by_name")]
        constraints = [
            # Names appear in public only with recorded consent (domain.md).
            models.CheckConstraint(
                condition=Q(display="anonymous") | Q(name_consent_on__isnull=False),
                name="donors_donor_named_needs_consent",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pns") | Q(nip__isnull=False),
                name="donors_donor_pns_has_nip",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})" if self.nip else self.name

    @property
    def public_name(self) -> str:
        """Return the name the public may see: the name only with consent."""
        if self.display == self.Display.NAMED and self.name_consent_on:
            return self.name
        return ANONYMOUS_NAME

    @property
    def public_label(self) -> str:
        """Return how public lists show this donor (domain.md: companies by name,
        people only with consent and then as initials, e.g. "S*** W***")."""
        if self.kind in (self.Kind.COMPANY, self.Kind.INSTITUTION):
            return self.name
        if self.public_name == ANONYMOUS_NAME:
            return ANONYMOUS_NAME
        return " ".join(f"{word[0]}***" for word in self.name.split() if word[0].isalpha())


class Scheme(models.Model):
    """A monthly giving scheme such as MATRA, paid into one fund."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    fund = models.OneToOneField(
        "funds.Fund", on_delete=models.PROTECT, related_name="+", verbose_name=_("dana")
    )
    deposit_location = models.ForeignKey(
        "funds.MoneyLocation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rekening penampung potongan gaji"),
    )
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("skema sumbangan")
        verbose_name_plural = _("skema sumbangan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchemeRate(models.Model):
    """The minimum monthly amount for one position, from a start date on."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rates")
    position = models.CharField(_("eselon/jabatan"), max_length=20, choices=Donor.Position.choices)
    valid_from = models.DateField(_("berlaku mulai"))
    minimum_amount = models.DecimalField(_("minimal per bulan"), **MONEY)

    class Meta:
        verbose_name = _("tarif minimal skema")
        verbose_name_plural = _("tarif minimal skema")
        ordering = ["scheme", "position", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "position", "valid_from"], name="donors_schemerate_unique"
            ),
            models.CheckConstraint(
                condition=Q(minimum_amount__gt=0), name="donors_schemerate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.get_position_display()} · {self.valid_from}"


class Enrolment(models.Model):
    """A civil servant's promise of a monthly amount to a scheme."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="enrolments")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="enrolments")
    monthly_amount = models.DecimalField(_("jumlah per bulan"), **MONEY)
    start = models.DateField(_("mulai bulan"))
    end = models.DateField(_("sampai bulan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        ordering = ["donor", "-start"]
        indexes = [models.Index(fields=["scheme", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount__gt=0), name="donors_enrolment_positive"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="donors_enrolment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} · {self.scheme}"

    def covers(self, month: dt.date) -> bool:
        return self.start <= month and (self.end is None or self.end >= month)


class PayrollImport(models.Model):
    """One OPD's payroll deduction file for one month."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Pratinjau")
        COMMITTED = "committed", _("Dibukukan")
        REVERSED = "reversed", _("Dibatalkan")

    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="imports")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="imports")
    period = models.DateField(_("bulan"))  # first day of the month
    location = models.ForeignKey(
        "funds.MoneyLocation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diterima di"),
    )
    received_on = models.DateField(_("tanggal dana diterima"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    filename = models.CharField(_("nama berkas"), max_length=255)
    # The uploaded file, encrypted (core.uploads), deleted once booked or when
    # its retention ends. `content` held it in clear before; emptied by
    # `manage.py encrypt_media`.
    file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.BinaryField(_("isi berkas"), default=b"", blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    expected_count = models.PositiveIntegerField(_("jumlah baris menurut slip"), null=True)
    expected_total = models.DecimalField(_("total menurut slip"), null=True, **MONEY)
    row_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    total_amount = models.DecimalField(_("total"), default=0, **MONEY)
    new_donor_count = models.PositiveIntegerField(_("donatur baru"), default=0)
    flagged_count = models.PositiveIntegerField(_("baris bertanda"), default=0)
    preview = models.JSONField(_("pratinjau"), default=dict, blank=True)
    # The rows as read from the file, so that booking checks them against the
    # database again without reading the file a second time.
    parsed_rows = models.JSONField(default=list, blank=True)
    transaction = models.ForeignKey(
        "funds.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_transaction = models.ForeignKey(
        "funds.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.TextField(_("alasan pembatalan"), blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("impor potongan gaji")
        verbose_name_plural = _("impor potongan gaji")
        ordering = ["-period", "opd__code"]
        indexes = [models.Index(fields=["-period"], name="donors_payrollimport_newest")]
        constraints = [
            # One booked file per OPD and month: the database refuses a second.
            models.UniqueConstraint(
                fields=["opd", "period", "scheme"],
                condition=Q(status="committed"),
                name="donors_payrollimport_one_per_opd_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opd.code} {self.period:%Y-%m}"


class Contribution(models.Model):
    """Money one donor gave once: a payroll deduction for a month, or a gift."""

    class Channel(models.TextChoices):
        PAYROLL = "payroll", _("Potongan gaji")
        CASH = "cash", _("Tunai di loket")
        TRANSFER = "transfer", _("Transfer bank")
        INSTITUTION = "institution", _("Sumbangan lembaga")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Tercatat")
        REVERSED = "reversed", _("Dibatalkan")

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="contributions")
    fund = models.ForeignKey(
        "funds.Fund", on_delete=models.PROTECT, related_name="+", verbose_name=_("dana")
    )
    location = models.ForeignKey(
        "funds.MoneyLocation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diterima di"),
    )
    amount = models.DecimalField(_("jumlah"), **MONEY)
    date = models.DateField(_("tanggal diterima"))
    period = models.DateField(_("bulan potongan"), null=True, blank=True)
    channel = models.CharField(_("cara"), max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECORDED)
    payroll_import = models.ForeignKey(
        PayrollImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    flag = models.CharField(_("catatan pemeriksaan"), max_length=200, blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    # The transfer slip, re-encoded when an image and encrypted (core.uploads).
    proof_file = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bukti transfer"),
    )
    # Slips kept in clear before encryption; `manage.py encrypt_media` moves them.
    proof = models.FileField(_("bukti transfer"), upload_to="donors/proof/%Y/%m/", blank=True)
    transaction = models.ForeignKey(
        "funds.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_transaction = models.ForeignKey(
        "funds.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.TextField(_("alasan pembatalan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sumbangan")
        verbose_name_plural = _("sumbangan")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["period", "status"]),
            models.Index(fields=["donor", "date"]),
            # The list's default order: a page is read from the index, not sorted from all rows.
            models.Index(fields=["-date", "-id"], name="donors_contribution_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donors_contribution_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.donor.name} · {self.amount} · {self.date}"


class ReceiptCounter(models.Model):
    """The last receipt number given in a year; locked while numbers are taken."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Receipt(models.Model):
    """The numbered proof of one contribution (tanda terima sumbangan, or BSZ)."""

    class Status(models.TextChoices):
        VALID = "valid", _("Sah")
        VOID = "void", _("Batal")

    contribution = models.OneToOneField(
        Contribution, on_delete=models.PROTECT, related_name="receipt"
    )
    year = models.PositiveIntegerField(_("tahun"))
    number = models.PositiveIntegerField(_("nomor"))
    issued_on = models.DateField(_("tanggal"))
    is_zakat = models.BooleanField(_("bukti setoran zakat"), default=False)
    token = models.CharField(max_length=32, unique=True, default=_public_token)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    void_reason = models.TextField(_("alasan batal"), blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tanda terima")
        verbose_name_plural = _("tanda terima")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], name="donors_receipt_gapless_number"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        kind = "BSZ" if self.is_zakat else "TTS"
        return f"{self.number:06d}/{kind}/{self.year}"
