"""Funds, where their money is, and the double-entry ledger between the two.

Sign convention: a posting's `amount` is signed, debit positive. A money
location (asset) grows with a debit, a fund (net assets) grows with a credit,
so a contribution of 100 posts `location +100, fund -100` and sums to zero.
Each account keeps its running `balance` on its *normal* side (a positive
number for money held or owed), updated under the account's row lock, so a
balance is read in constant time however long the ledger grows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")
MONEY = {"max_digits": 17, "decimal_places": 2}


class Programme(models.Model):
    """A programme code the ledger accepts (`rtlh`, `kesehatan`, ...): a registry, not free text.

    Only the code and its name live here, so the ledger can validate them
    without knowing about requests; the programme's rules (amounts, who may
    receive, frequency, evidence) belong to the disbursements app.
    """

    code = models.SlugField(_("kode"), unique=True, max_length=60)
    name = models.CharField(_("nama"), max_length=150)
    description = models.TextField(_("keterangan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("program")
        verbose_name_plural = _("program")

    def __str__(self) -> str:
        return self.name


class Fund(models.Model):
    """Whose money it is: one fund, with its restriction class and purpose."""

    class Restriction(models.TextChoices):
        UNRESTRICTED = "unrestricted", _("Tanpa pembatasan")
        RESTRICTED = "restricted", _("Dibatasi pemberi")
        # The four classes below exist only in a licensed zakat body (PSAK 109).
        ZAKAT = "zakat", _("Zakat")
        INFAK_SEDEKAH = "infak_sedekah", _("Infak/sedekah")
        AMIL = "amil", _("Amil")
        NON_HALAL = "non_halal", _("Dana nonhalal")

    ZAKAT_CLASSES = frozenset({Restriction.ZAKAT, Restriction.AMIL})
    # Classes that exist only in a licensed zakat body.
    ZAKAT_ONLY_CLASSES = frozenset(
        {Restriction.ZAKAT, Restriction.INFAK_SEDEKAH, Restriction.AMIL, Restriction.NON_HALAL}
    )

    code = models.SlugField(_("kode"), unique=True, max_length=60)
    name = models.CharField(_("nama"), max_length=150)
    restriction = models.CharField(
        _("kelas pembatasan"),
        max_length=20,
        choices=Restriction.choices,
        default=Restriction.UNRESTRICTED,
    )
    purpose = models.TextField(_("tujuan"), blank=True)
    allowed_programmes = models.JSONField(
        _("program yang diizinkan"),
        default=list,
        blank=True,
        help_text=_("Kode program; kosong berarti semua program."),
    )
    allowed_areas = models.JSONField(
        _("wilayah yang diizinkan"),
        default=list,
        blank=True,
        help_text=_("Kode wilayah Kemendagri; kosong berarti semua wilayah."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dana")
        verbose_name_plural = _("dana")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        created = self._state.adding
        super().save(*args, **kwargs)
        if created:
            # Every fund has exactly one net-assets account, whoever creates it.
            Account.objects.get_or_create(kind=Account.Kind.FUND, fund=self)

    @property
    def is_restricted(self) -> bool:
        """Say whether the money carries a restriction (ISAK 35 'with restriction')."""
        return self.restriction != self.Restriction.UNRESTRICTED

    @property
    def is_zakat(self) -> bool:
        return self.restriction in self.ZAKAT_CLASSES


class MoneyLocation(models.Model):
    """Where money is: a bank account, the cash box, a payment-gateway balance."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Rekening bank")
        CASH = "cash", _("Kas tunai")
        GATEWAY = "gateway", _("Saldo payment gateway")

    code = models.SlugField(_("kode"), unique=True, max_length=60)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    bank_name = models.CharField(_("nama bank"), max_length=100, blank=True)
    account_number = models.CharField(_("nomor rekening"), max_length=40, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tempat uang")
        verbose_name_plural = _("tempat uang")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        created = self._state.adding
        super().save(*args, **kwargs)
        if created:
            Account.objects.get_or_create(kind=Account.Kind.LOCATION, location=self)


class Account(models.Model):
    """One ledger account per fund (net assets) and per money location (asset)."""

    class Kind(models.TextChoices):
        FUND = "fund", _("Dana (aset neto)")
        LOCATION = "location", _("Tempat uang (aset)")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    fund = models.OneToOneField(
        Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    location = models.OneToOneField(
        MoneyLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    # Running figures on the normal side, changed only under select_for_update().
    balance = models.DecimalField(_("saldo"), default=ZERO, **MONEY)
    committed = models.DecimalField(_("komitmen terbuka"), default=ZERO, **MONEY)
    posting_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("akun buku besar")
        verbose_name_plural = _("akun buku besar")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="fund", fund__isnull=False, location__isnull=True))
                | Q(kind="location", fund__isnull=True, location__isnull=False),
                name="funds_account_one_owner",
            ),
            # No fund and no cash box can hold less than nothing.
            models.CheckConstraint(condition=Q(balance__gte=0), name="funds_account_balance_gte_0"),
            models.CheckConstraint(
                condition=Q(committed__gte=0), name="funds_account_committed_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(kind="fund") | Q(committed=0), name="funds_account_commit_fund_only"
            ),
        ]

    def __str__(self) -> str:
        return str(self.fund or self.location)

    @property
    def sign(self) -> int:
        """Return +1 when a debit grows this account, -1 when a credit does."""
        return 1 if self.kind == self.Kind.LOCATION else -1

    @property
    def available(self) -> Decimal:
        return self.balance - self.committed


class LedgerHead(models.Model):
    """The single row that orders the hash chain; locked by every writer."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("kepala rantai buku besar")

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"


class Transaction(models.Model):
    """One movement of money: two or more postings that sum to zero."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Penerimaan")
        DISBURSEMENT = "disbursement", _("Penyaluran")
        TRANSFER = "transfer", _("Pemindahan antardana")
        FEE = "fee", _("Biaya")
        REFUND = "refund", _("Pengembalian")
        ADJUSTMENT = "adjustment", _("Penyesuaian")
        OPENING_BALANCE = "opening_balance", _("Saldo awal")

    sequence = models.PositiveBigIntegerField(_("nomor urut"), unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("tanggal"), db_index=True)
    description = models.CharField(_("uraian"), max_length=255)
    reference_type = models.CharField(max_length=100, blank=True, default="")
    reference_id = models.CharField(max_length=64, blank=True, default="")
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("membalik transaksi"),
    )
    programme = models.CharField(_("program"), max_length=60, blank=True, default="")
    area = models.CharField(_("wilayah"), max_length=13, blank=True, default="")
    asnaf = models.CharField(_("asnaf"), max_length=20, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    # Id of the chain key (core.chain) that sealed `hash`; the key itself is never stored.
    key_id = models.CharField(max_length=16, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("transaksi")
        verbose_name_plural = _("transaksi")
        indexes = [models.Index(fields=["reference_type", "reference_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reverses=F("pk")), name="funds_transaction_not_self_reversing"
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(description=""),
                name="funds_transaction_reversal_described",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.description}"


class Posting(models.Model):
    """One line of a transaction: a signed amount on one account. Append-only."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("jumlah (debit +)"), **MONEY)
    # The account's running balance right after this posting (normal side).
    balance_after = models.DecimalField(_("saldo setelah"), **MONEY)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("posting")
        verbose_name_plural = _("posting")
        indexes = [models.Index(fields=["account", "transaction"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="funds_posting_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="funds_posting_balance_after_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"

    @property
    def debit(self) -> Decimal | None:
        return self.amount if self.amount > 0 else None

    @property
    def credit(self) -> Decimal | None:
        return -self.amount if self.amount < 0 else None

    @property
    def natural_amount(self) -> Decimal:
        """Return the amount as seen by the account: + grows it, - shrinks it."""
        return self.amount * self.account.sign


class Commitment(models.Model):
    """Money reserved for an approved, unpaid disbursement.

    It may be paid in parts (a house rehab in stages): `paid_amount` grows
    with each part and the reservation shrinks by the same amount. A
    commitment closed before it is fully paid is RELEASED with what was paid
    kept in `paid_amount`; `payment` is the part that paid it in full.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        PAID = "paid", _("Dibayar")
        RELEASED = "released", _("Dilepas")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="commitments")
    amount = models.DecimalField(_("jumlah"), **MONEY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reference_type = models.CharField(max_length=100, blank=True, default="")
    reference_id = models.CharField(max_length=64, blank=True, default="")
    payment = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="commitment"
    )
    release_reason = models.CharField(max_length=255, blank=True, default="")
    programme = models.CharField(_("program"), max_length=60, blank=True, default="")
    area = models.CharField(_("wilayah"), max_length=13, blank=True, default="")
    asnaf = models.CharField(_("asnaf"), max_length=20, blank=True, default="")
    paid_amount = models.DecimalField(_("sudah dibayar"), default=ZERO, **MONEY)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("komitmen")
        verbose_name_plural = _("komitmen")
        indexes = [models.Index(fields=["reference_type", "reference_id"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_commitment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(status="paid", payment__isnull=False)
                | Q(~Q(status="paid"), payment__isnull=True),
                name="funds_commitment_paid_has_payment",
            ),
            # Never more paid than was approved.
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, paid_amount__lte=F("amount")),
                name="funds_commitment_paid_within_amount",
            ),
            # One open reservation per request: a double-click on approve cannot reserve twice.
            models.UniqueConstraint(
                fields=["reference_type", "reference_id"],
                condition=Q(status="open") & ~Q(reference_id=""),
                name="funds_commitment_one_open_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.amount}"

    @property
    def remaining(self) -> Decimal:
        """Return what is still reserved and unpaid."""
        return self.amount - self.paid_amount


class ClosedPeriod(models.Model):
    """A closed month: nothing may be posted with a date inside it."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Chain position at closing, so an auditor sees what the month contained.
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("periode tertutup")
        verbose_name_plural = _("periode tertutup")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="funds_period_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="funds_period_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


class ShareLimit(models.Model):
    """A limit on a share taken for amil or running costs, valid from a date."""

    class Kind(models.TextChoices):
        AMIL_FROM_ZAKAT = "amil_zakat", _("Hak amil dari zakat")
        COSTS_FROM_INFAK = "costs_infak", _("Biaya operasional dari infak/sedekah")

    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    rate = models.DecimalField(_("batas (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("berlaku sejak"))

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("batas porsi")
        verbose_name_plural = _("batas porsi")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="funds_sharelimit_unique"),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=100), name="funds_sharelimit_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.rate}% ({self.valid_from})"


class BankStatement(models.Model):
    """One imported bank statement of one money location."""

    location = models.ForeignKey(MoneyLocation, on_delete=models.PROTECT, related_name="statements")
    filename = models.CharField(max_length=255)
    file_hash = models.CharField(max_length=64)
    date_from = models.DateField(null=True)
    date_to = models.DateField(null=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("rekening koran")
        verbose_name_plural = _("rekening koran")
        constraints = [
            # The same file imported twice would double every line.
            models.UniqueConstraint(
                fields=["location", "file_hash"], name="funds_statement_file_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location} · {self.filename}"


class StatementLine(models.Model):
    """One line of a bank statement: + money in (credit), - money out (debit)."""

    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField()
    date = models.DateField()
    description = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["date", "row"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="funds_line_amount_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.description}"


class ReconciliationMatch(models.Model):
    """A bank line matched to a posting on that bank's account; each side once only."""

    class Method(models.TextChoices):
        AUTO = "auto", _("Otomatis")
        MANUAL = "manual", _("Manual")

    line = models.OneToOneField(StatementLine, on_delete=models.PROTECT, related_name="match")
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="match")
    method = models.CharField(max_length=10, choices=Method.choices)
    matched_at = models.DateTimeField(auto_now_add=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.line} = {self.posting}"


class StatementSignoff(models.Model):
    """The head's signature on the statements of one period, bound to their figures."""

    date_from = models.DateField()
    date_to = models.DateField()
    # SHA-256 of the period, codes and amounts (Statements.fingerprint_payload).
    figures_hash = models.CharField(max_length=64)
    # The signed figures themselves (Statements.snapshot), shown again exactly.
    figures = models.JSONField(default=dict, blank=True)
    # Chain position when signed: the figures are those of transactions up to here.
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")
    signed_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["date_from", "date_to", "figures_hash"], name="funds_signoff_once"
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")), name="funds_signoff_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date_from} - {self.date_to} · {self.signed_by}"


class LedgerMonth(models.Model):
    """The postings of one closed month, summed per account and kind of movement.

    Written once when the month is closed (nothing may be dated inside a closed
    month afterwards, so the sums never change). Statements and public reports
    read these rows instead of summing every posting since the beginning, so
    their cost does not grow with the years of data behind them.
    """

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Transaction.Kind.choices)
    programme = models.CharField(max_length=60, blank=True, default="")
    area = models.CharField(max_length=13, blank=True, default="")
    asnaf = models.CharField(max_length=20, blank=True, default="")
    reference_type = models.CharField(max_length=100, blank=True, default="")
    # Signed like the postings: debit positive.
    amount = models.DecimalField(**MONEY)
    posting_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ringkasan bulanan buku besar")
        verbose_name_plural = _("ringkasan bulanan buku besar")
        indexes = [models.Index(fields=["year", "month"])]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "month",
                    "account",
                    "kind",
                    "programme",
                    "area",
                    "asnaf",
                    "reference_type",
                ],
                name="funds_ledgermonth_unique",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="funds_ledgermonth_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year} {self.account_id} {self.kind} {self.amount}"
