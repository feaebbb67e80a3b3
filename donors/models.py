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
        CARD = "card", _("Kartu (daring)")

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
    pledge = models.ForeignKey(
        "Pledge", on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
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


# --- CSR partners, pledges and online payments ----------------------------------------------
def npwp_digits(value: str) -> str:
    """Return the digits of an NPWP as typed (`01.234.567.8-901.000` or 16 digits)."""
    return "".join(ch for ch in (value or "") if ch.isdigit())


class Partner(models.Model):
    """A company that gives through the CSR forum; it signs up itself, a fund manager verifies it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu verifikasi")
        VERIFIED = "verified", _("Terverifikasi")
        REJECTED = "rejected", _("Ditolak")

    donor = models.OneToOneField(
        Donor, on_delete=models.PROTECT, related_name="partner", verbose_name=_("donatur")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="csr_partner",
        verbose_name=_("akun login"),
    )
    legal_name = models.CharField(_("nama badan hukum"), max_length=200)
    npwp = models.CharField(_("NPWP"), max_length=16, unique=True)
    contact_name = models.CharField(_("narahubung"), max_length=150)
    contact_phone = EncryptedTextField(_("telepon narahubung"), blank=True)
    # Deed/NIB kept encrypted in the upload store (core.uploads).
    document = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dokumen perusahaan"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    status_note = models.TextField(_("catatan verifikasi"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mitra CSR")
        verbose_name_plural = _("mitra CSR")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(npwp__regex=r"^[0-9]{15,16}$"), name="donors_partner_npwp_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


class Pledge(models.Model):
    """A partner's promise of cash (in instalments) or goods, under a PKS/MoU."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Uang")
        GOODS = "goods", _("Barang")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        ACCEPTED = "accepted", _("Diterima")
        PARTLY_FULFILLED = "partly_fulfilled", _("Terpenuhi sebagian")
        FULFILLED = "fulfilled", _("Terpenuhi")
        CANCELLED = "cancelled", _("Dibatalkan")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="pledges")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=200)
    total_amount = models.DecimalField(_("nilai janji"), **MONEY)
    programme = models.CharField(_("program"), max_length=60, blank=True)
    area = models.CharField(_("wilayah (kode Kemendagri)"), max_length=13, blank=True)
    agreement_number = models.CharField(_("nomor PKS/MoU"), max_length=100, blank=True)
    agreement_document = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dokumen PKS/MoU"),
    )
    fund = models.ForeignKey(
        "funds.Fund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dana"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    received_amount = models.DecimalField(_("sudah diterima"), default=0, **MONEY)
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("janji sumbangan")
        verbose_name_plural = _("janji sumbangan")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gt=0), name="donors_pledge_positive"),
            models.CheckConstraint(
                condition=Q(received_amount__gte=0)
                & Q(received_amount__lte=models.F("total_amount")),
                name="donors_pledge_received_within_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="donors_pledge_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.title}"

    @property
    def is_earmarked(self) -> bool:
        return bool(self.programme or self.area)

    @property
    def outstanding(self):
        return self.total_amount - self.received_amount


class Instalment(models.Model):
    """One due date of a cash pledge's schedule."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField(_("jatuh tempo"))
    amount = models.DecimalField(_("jumlah"), **MONEY)
    paid_amount = models.DecimalField(_("sudah dibayar"), default=0, **MONEY)
    reminded_on = models.DateField(_("terakhir diingatkan"), null=True, blank=True)

    class Meta:
        verbose_name = _("cicilan")
        verbose_name_plural = _("cicilan")
        ordering = ["pledge", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donors_instalment_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="donors_instalment_paid_within_amount",
            ),
            models.UniqueConstraint(
                fields=["pledge", "due_date"], name="donors_instalment_one_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} · {self.due_date}"

    @property
    def outstanding(self):
        return self.amount - self.paid_amount


class GoodsItem(models.Model):
    """One line of a goods pledge; valued, kept apart from cash (in-kind register)."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Dijanjikan")
        RECEIVED = "received", _("Diterima (BAST)")
        HANDED_ON = "handed_on", _("Diserahkan")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="goods")
    description = models.CharField(_("barang"), max_length=200)
    quantity = models.PositiveIntegerField(_("jumlah"))
    unit_value = models.DecimalField(_("nilai satuan"), **MONEY)
    delivery_date = models.DateField(_("tanggal serah"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLEDGED)
    bast_number = models.CharField(_("nomor BAST penerimaan"), max_length=100, blank=True)
    received_on = models.DateField(_("diterima tanggal"), null=True, blank=True)
    valuation = models.DecimalField(_("nilai taksiran"), null=True, blank=True, **MONEY)
    handover_to = models.CharField(_("diserahkan kepada"), max_length=200, blank=True)
    handover_bast_number = models.CharField(_("nomor BAST penyerahan"), max_length=100, blank=True)
    handed_on_date = models.DateField(_("diserahkan tanggal"), null=True, blank=True)
    handover_photo = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("foto penyerahan"),
    )
    # Kept in step by goods_hand_on under the row lock; the database refuses more.
    handed_on_quantity = models.PositiveIntegerField(_("sudah diserahkan"), default=0)

    class Meta:
        verbose_name = _("barang janji")
        verbose_name_plural = _("barang janji")
        ordering = ["pledge", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donors_goods_quantity"),
            models.CheckConstraint(condition=Q(unit_value__gt=0), name="donors_goods_value"),
            models.CheckConstraint(
                condition=Q(handed_on_quantity__lte=models.F("quantity")),
                name="donors_goods_handed_on_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def total_value(self):
        return self.unit_value * self.quantity

    @property
    def quantity_left(self) -> int:
        return self.quantity - self.handed_on_quantity


class GoodsHandover(models.Model):
    """Part or all of a received goods line handed on, with its own BAST and photos.

    To a verified household through an in-kind disbursement record, or to a
    public facility in a desa of the regency. Valued at the received valuation.
    """

    class Recipient(models.TextChoices):
        HOUSEHOLD = "household", _("Rumah tangga penerima")
        FACILITY = "facility", _("Fasilitas umum")

    item = models.ForeignKey(GoodsItem, on_delete=models.PROTECT, related_name="handovers")
    recipient_kind = models.CharField(_("penerima"), max_length=10, choices=Recipient.choices)
    quantity = models.PositiveIntegerField(_("jumlah"))
    valuation = models.DecimalField(_("nilai taksiran"), **MONEY)
    facility_name = models.CharField(_("nama fasilitas"), max_length=200, blank=True)
    desa = models.CharField(_("desa"), max_length=13)
    delivery = models.OneToOneField(
        "disbursements.InKindDelivery",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goods_handover",
    )
    bast_number = models.CharField(_("nomor BAST penyerahan"), max_length=100, unique=True)
    date = models.DateField(_("tanggal serah"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penyerahan barang")
        verbose_name_plural = _("penyerahan barang")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donors_handover_quantity"),
            models.CheckConstraint(condition=Q(valuation__gt=0), name="donors_handover_value"),
            models.CheckConstraint(
                condition=(Q(recipient_kind="household") & Q(delivery__isnull=False))
                | (Q(recipient_kind="facility") & ~Q(facility_name="")),
                name="donors_handover_recipient_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bast_number}: {self.quantity} × {self.item.description}"


class GoodsHandoverPhoto(models.Model):
    """A photo of a handover, in the encrypted upload store (content-checked, re-encoded)."""

    handover = models.ForeignKey(GoodsHandover, on_delete=models.PROTECT, related_name="photos")
    stored = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.handover} · {self.pk}"


class OnlinePayment(models.Model):
    """A card payment through Stripe: one PaymentIntent, booked only from a verified webhook."""

    class Status(models.TextChoices):
        STARTED = "started", _("Menunggu pembayaran")
        SUCCEEDED = "succeeded", _("Berhasil")
        FAILED = "failed", _("Gagal")
        REFUNDED = "refunded", _("Dikembalikan")
        DISPUTED = "disputed", _("Disengketakan")

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="online_payments")
    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("funds.MoneyLocation", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("jumlah"), **MONEY)
    payment_intent_id = models.CharField(max_length=100, unique=True)
    # The payment's page is reached by this secret link (a public giver has no account).
    token = models.CharField(max_length=32, unique=True, default=_public_token)
    charge_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTED)
    fee = models.DecimalField(_("biaya gateway"), default=0, **MONEY)
    refunded_amount = models.DecimalField(_("dikembalikan"), default=0, **MONEY)
    # Stripe's `created` of the last event applied: an older event changes nothing.
    last_event_created = models.BigIntegerField(default=0)
    contribution = models.OneToOneField(
        Contribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_payment",
    )
    fee_transaction = models.ForeignKey(
        "funds.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pembayaran daring")
        verbose_name_plural = _("pembayaran daring")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donors_onlinepayment_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="donors_onlinepayment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(fee__gte=0) & Q(fee__lte=models.F("amount")),
                name="donors_onlinepayment_fee_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.payment_intent_id


class GatewayEvent(models.Model):
    """A webhook event received from Stripe; the unique id makes a redelivery a no-op."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    created = models.BigIntegerField()
    object_id = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peristiwa gateway")
        verbose_name_plural = _("peristiwa gateway")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class GatewayMovement(models.Model):
    """A refund, dispute or payout at the gateway, booked once (unique Stripe id)."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Pengembalian dana")
        DISPUTE = "dispute", _("Sengketa")
        PAYOUT = "payout", _("Pencairan ke bank")

    class Status(models.TextChoices):
        BOOKED = "booked", _("Dibukukan")
        # Stripe has paid the money back, but the fund cannot cover it yet: a
        # person settles it (decisions.md, "A refund the fund cannot cover waits").
        PENDING = "pending", _("Menunggu penyelesaian")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    stripe_id = models.CharField(max_length=100, unique=True)
    payment = models.ForeignKey(
        OnlinePayment, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    amount = models.DecimalField(_("jumlah"), **MONEY)
    fee = models.DecimalField(_("biaya"), default=0, **MONEY)
    transaction = models.ForeignKey(
        "funds.Transaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    # The Stripe event that brought it, and why the books refused it at first.
    event_id = models.CharField(max_length=100, blank=True)
    refusal = models.TextField(_("alasan tertunda"), blank=True)
    cover_fund = models.ForeignKey(
        "funds.Fund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditutup dari dana"),
    )
    cover_location = models.ForeignKey(
        "funds.MoneyLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kekurangan saldo gateway dari"),
    )
    cover_reason = models.TextField(_("alasan penutupan"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mutasi gateway")
        verbose_name_plural = _("mutasi gateway")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donors_gatewaymove_positive"),
            # A pending movement has touched no money yet.
            models.CheckConstraint(
                condition=Q(status="booked") | Q(transaction__isnull=True),
                name="donors_gatewaymove_pending_unbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stripe_id}"


class TransferProof(models.Model):
    """A partner's bank transfer towards a pledge, with its proof; a fund manager confirms it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Menunggu konfirmasi")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        REJECTED = "rejected", _("Ditolak")

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="transfers")
    amount = models.DecimalField(_("jumlah"), **MONEY)
    transferred_on = models.DateField(_("tanggal transfer"))
    proof = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("bukti")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    contribution = models.OneToOneField(
        Contribution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer_proof",
    )
    note = models.TextField(_("catatan"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bukti transfer janji")
        verbose_name_plural = _("bukti transfer janji")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donors_transferproof_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} · {self.amount}"
