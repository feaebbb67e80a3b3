"""Programme rules, requests for help, their approval, payment, proof and batches.

The ledger (funds) keeps the money: an approval opens a commitment there, a
payment posts a disbursement transaction that points back at the request. This
app keeps who asked, who approved, who was paid and the proof of delivery.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField

ZERO = Decimal("0.00")
MONEY = {"max_digits": 17, "decimal_places": 2}


def _token() -> str:
    return secrets.token_urlsafe(16)


class Policy(models.Model):
    """The organisation's approval settings (one row; defaults until an admin sets them)."""

    second_approval_above = models.DecimalField(
        _("persetujuan kedua oleh kepala di atas"),
        default=Decimal("2500000.00"),
        help_text=_("Permohonan di atas jumlah ini perlu persetujuan kedua oleh kepala UPT."),
        **MONEY,
    )
    open_too_long_days = models.PositiveSmallIntegerField(
        _("permohonan dianggap terlalu lama terbuka setelah (hari)"), default=60
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kebijakan persetujuan")
        verbose_name_plural = _("kebijakan persetujuan")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class PayeeKind(models.TextChoices):
    HOUSEHOLD = "household", _("Rumah tangga penerima")
    SCHOOL = "school", _("Sekolah")
    HEALTH = "health", _("Apotek atau rumah sakit")
    SUPPLIER = "supplier", _("Tukang atau toko bangunan")


class EvidenceKind(models.TextChoices):
    PHOTO_BEFORE = "photo_before", _("Foto sebelum")
    PHOTO_DURING = "photo_during", _("Foto pertengahan")
    PHOTO_AFTER = "photo_after", _("Foto sesudah")
    BAST = "bast", _("BAST yang ditandatangani")
    RECEIPT = "receipt", _("Kuitansi atau nota")
    OTHER = "other", _("Dokumen lain")


PHOTO_KINDS = frozenset(
    {EvidenceKind.PHOTO_BEFORE, EvidenceKind.PHOTO_DURING, EvidenceKind.PHOTO_AFTER}
)


class ProgrammeRule(models.Model):
    """The rules of one programme from `valid_from` on; a new version starts a new row."""

    class Frequency(models.TextChoices):
        PER_EPISODE = "episode", _("Per kejadian (tanpa batas frekuensi)")
        HOUSEHOLD_YEARS = "household_years", _("Sekali per rumah tangga dalam N tahun")
        MEMBER_SCHOOL_YEAR = "member_school_year", _("Sekali per anggota per tahun ajaran")
        MEMBER_MONTH = "member_month", _("Sekali per anggota per bulan")

    programme = models.ForeignKey(
        "funds.Programme", on_delete=models.PROTECT, related_name="rules", verbose_name=_("program")
    )
    valid_from = models.DateField(_("berlaku sejak"))
    min_amount = models.DecimalField(_("jumlah paling sedikit"), **MONEY)
    max_amount = models.DecimalField(_("jumlah paling banyak"), **MONEY)
    # Per school level (`sd`, `smp`, `sma`, `pt`): [min, max] as strings; wins over min/max.
    school_bands = models.JSONField(_("rentang per jenjang sekolah"), default=dict, blank=True)
    grades = models.JSONField(
        _("tingkat kartu yang boleh menerima"),
        default=list,
        blank=True,
        help_text=_("Kosong: setiap kartu yang berlaku."),
    )
    accepts_emergency_letter = models.BooleanField(
        _("surat rekomendasi darurat cukup"), default=False
    )
    frequency = models.CharField(
        _("batas frekuensi"), max_length=20, choices=Frequency.choices, default="episode"
    )
    frequency_years = models.PositiveSmallIntegerField(_("N tahun"), default=0)
    member_required = models.BooleanField(_("anggota yang dibantu wajib dipilih"), default=False)
    allowed_funds = models.ManyToManyField(
        "funds.Fund", blank=True, related_name="+", verbose_name=_("dana yang boleh membayar")
    )
    payee_kinds = models.JSONField(_("jenis penerima pembayaran"), default=list)
    evidence_required = models.JSONField(_("bukti wajib untuk menutup"), default=list, blank=True)
    asnaf = models.JSONField(_("asnaf yang dilayani"), default=list, blank=True)

    class Meta:
        ordering = ["programme__code", "-valid_from"]
        verbose_name = _("aturan program")
        verbose_name_plural = _("aturan program")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "valid_from"], name="disb_rule_one_version_per_day"
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gt=0, max_amount__gte=F("min_amount")),
                name="disb_rule_amount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} ({self.valid_from:%d/%m/%Y})"

    def amount_range(self, school_level: str = "") -> tuple[Decimal, Decimal]:
        """Return the (min, max) for a pupil of `school_level`, or the general range."""
        band = (self.school_bands or {}).get(school_level)
        if band:
            return Decimal(str(band[0])), Decimal(str(band[1]))
        return self.min_amount, self.max_amount


class Batch(models.Model):
    """A list of pupils (or others) imported as one request each, approved once."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Pratinjau")
        SUBMITTED = "submitted", _("Diajukan")
        APPROVED = "approved", _("Disetujui")
        CANCELLED = "cancelled", _("Dibatalkan")

    number = models.CharField(_("nomor"), max_length=30, unique=True)
    programme = models.ForeignKey("funds.Programme", on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    school_year = models.CharField(_("tahun ajaran"), max_length=9, blank=True)
    filename = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    lines = models.PositiveIntegerField(_("baris"), default=0)
    total = models.DecimalField(_("jumlah"), default=ZERO, **MONEY)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("batch penyaluran")
        verbose_name_plural = _("batch penyaluran")

    def __str__(self) -> str:
        return self.number


class DisbursementRequest(models.Model):
    """One request for help for one household (and the member concerned)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        AWAITING_HEAD = "awaiting_head", _("Menunggu persetujuan kepala")
        APPROVED = "approved", _("Disetujui")
        PART_PAID = "part_paid", _("Dibayar sebagian")
        PAID = "paid", _("Dibayar")
        CLOSED = "closed", _("Selesai")
        REJECTED = "rejected", _("Ditolak")
        CANCELLED = "cancelled", _("Dibatalkan")
        REVERSED = "reversed", _("Dikoreksi (dibalik)")

    # States in which the request counts for the frequency limit and the
    # database guard: a rejected, cancelled or reversed request helped nobody.
    LIVE = frozenset({"submitted", "awaiting_head", "approved", "part_paid", "paid", "closed"})
    PAYABLE = frozenset({"approved", "part_paid"})
    # Requests that have helped their household (paid, even in part): coverage counts these.
    HELPED = frozenset({"paid", "closed", "part_paid"})
    OPEN = frozenset({"submitted", "awaiting_head", "approved", "part_paid", "paid"})

    number = models.CharField(_("nomor"), max_length=30, unique=True)
    programme = models.ForeignKey(
        "funds.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    rule = models.ForeignKey(ProgrammeRule, on_delete=models.PROTECT, related_name="requests")
    household = models.ForeignKey(
        "beneficiaries.Household",
        on_delete=models.PROTECT,
        related_name="aid_requests",
        verbose_name=_("rumah tangga"),
    )
    member = models.ForeignKey(
        "beneficiaries.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_requests",
        verbose_name=_("anggota yang dibantu"),
    )
    fund = models.ForeignKey(
        "funds.Fund", on_delete=models.PROTECT, related_name="+", verbose_name=_("dana")
    )
    amount = models.DecimalField(_("jumlah"), **MONEY)
    paid_amount = models.DecimalField(_("sudah dibayar"), default=ZERO, **MONEY)
    # The household's village code when asked (the ledger's `area`) and its district.
    desa = models.CharField(_("desa"), max_length=13, db_index=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=13, db_index=True)
    asnaf = models.CharField(_("asnaf"), max_length=20, blank=True)
    school_year = models.CharField(_("tahun ajaran"), max_length=9, blank=True)
    period = models.CharField(_("periode"), max_length=7, blank=True)  # YYYY-MM, monthly help
    payee_kind = models.CharField(_("jenis penerima"), max_length=10, choices=PayeeKind.choices)
    payee_name = models.CharField(_("nama penerima pembayaran"), max_length=150)
    payee_account = EncryptedTextField(_("rekening penerima"), blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    publication_consent = models.BooleanField(_("setuju inisial dipublikasikan"), default=False)
    photos_consent = models.BooleanField(_("setuju foto dipublikasikan"), default=False)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED
    )
    # Set while the request counts and the limit is a fixed bucket (pupil and
    # school year, member and month, household while a rehab is under way):
    # the unique key makes the database refuse the second one whatever the fund.
    guard_key = models.CharField(max_length=120, null=True, blank=True, editable=False)
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    batch_line = models.PositiveIntegerField(null=True, blank=True)
    check_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    decided_reason = models.CharField(_("alasan"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("tanggal selesai"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("permohonan bantuan")
        verbose_name_plural = _("permohonan bantuan")
        indexes = [
            models.Index(fields=["household", "programme"]),
            models.Index(fields=["status", "fund"]),
            # The households helped (paid, even in part), as coverage_by_desa and
            # unserved_households ask: read from this small index, not the wide table.
            models.Index(
                fields=["household"],
                condition=Q(status__in=["paid", "closed", "part_paid"]),
                name="disb_request_helped",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disb_request_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, paid_amount__lte=F("amount")),
                name="disb_request_paid_within_amount",
            ),
            models.UniqueConstraint(fields=["guard_key"], name="disb_request_guard_key"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decided_reason=""),
                name="disb_request_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class Payment(models.Model):
    """One payment (or stage) of a request, posted to the ledger in the same transaction."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Transfer bank")
        CASH = "cash", _("Tunai")

    request = models.ForeignKey(
        DisbursementRequest, on_delete=models.PROTECT, related_name="payments"
    )
    transaction = models.OneToOneField(
        "funds.Transaction", on_delete=models.PROTECT, related_name="aid_payment"
    )
    amount = models.DecimalField(_("jumlah"), **MONEY)
    method = models.CharField(_("cara bayar"), max_length=10, choices=Method.choices)
    location = models.ForeignKey(
        "funds.MoneyLocation", on_delete=models.PROTECT, related_name="+", verbose_name=_("dari")
    )
    payee_account = EncryptedTextField(_("rekening penerima"), blank=True)
    bank_reference = models.CharField(_("nomor referensi"), max_length=100, blank=True)
    date = models.DateField(_("tanggal bayar"))
    stage_note = models.CharField(_("tahap"), max_length=150, blank=True)
    # The form's one-time key: a double-click on "pay" posts once.
    idempotency_key = models.CharField(max_length=64, unique=True)
    reversal = models.OneToOneField(
        "funds.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_payment_reversed",
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("pembayaran bantuan")
        verbose_name_plural = _("pembayaran bantuan")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disb_payment_amount_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.amount}"


class Evidence(models.Model):
    """A photo or document proving delivery; the file is in the encrypted store."""

    request = models.ForeignKey(
        DisbursementRequest, on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("jenis bukti"), max_length=15, choices=EvidenceKind.choices)
    stored = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("bukti penyaluran")
        verbose_name_plural = _("bukti penyaluran")

    def __str__(self) -> str:
        return f"{self.request} · {self.get_kind_display()}"


def school_year_of(day: dt.date) -> str:
    """Return the Indonesian school year of `day` (it starts in July): '2025/2026'."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}/{start + 1}"


class InKindDelivery(models.Model):
    """Goods handed to a verified household: valued here, never posted to the cash ledger.

    The goods belong to another app's in-kind register (a CSR partner's goods line);
    `reference_type`/`reference_id` name that record, as the ledger's references do.
    """

    number = models.CharField(_("nomor"), max_length=30, unique=True)
    household = models.ForeignKey(
        "beneficiaries.Household",
        on_delete=models.PROTECT,
        related_name="inkind_deliveries",
        verbose_name=_("rumah tangga"),
    )
    programme = models.ForeignKey(
        "funds.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    desa = models.CharField(_("desa"), max_length=13, db_index=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=13)
    description = models.CharField(_("barang"), max_length=200)
    quantity = models.PositiveIntegerField(_("jumlah"))
    valuation = models.DecimalField(_("nilai taksiran"), **MONEY)
    delivered_on = models.DateField(_("tanggal serah"))
    reference_type = models.CharField(max_length=60)
    reference_id = models.CharField(max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        verbose_name = _("penyaluran barang")
        verbose_name_plural = _("penyaluran barang")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="disb_inkind_quantity_gt_0"),
            models.CheckConstraint(condition=Q(valuation__gt=0), name="disb_inkind_valuation_gt_0"),
        ]

    def __str__(self) -> str:
        return self.number
