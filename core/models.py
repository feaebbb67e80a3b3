from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import MFA_REQUIRED_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra)
        from core.services import user_roles_set

        user_roles_set(user=user, roles=[Role.ADMIN], actor=None)
        return user


class User(AbstractUser):
    """A person who logs in with an e-mail address."""

    username = None
    email = models.EmailField(_("alamat e-mail"), unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def roles(self) -> frozenset[str]:
        """Return the role codes this user holds (cached per instance)."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def needs_mfa(self) -> bool:
        return bool(self.roles & MFA_REQUIRED_ROLES)


class UserRole(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="core_userrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Organisation(models.Model):
    """The one organisation this deployment serves (edited by an admin)."""

    class LegalStatus(models.TextChoices):
        COMMUNITY_FUND = "community_fund", _("Dana masyarakat")
        LKS = "lks", _("Lembaga Kesejahteraan Sosial (LKS)")
        ZAKAT_BODY = "zakat_body", _("Lembaga pengelola zakat berizin")

    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=50, blank=True)
    legal_status = models.CharField(
        _("status hukum"),
        max_length=20,
        choices=LegalStatus.choices,
        default=LegalStatus.COMMUNITY_FUND,
    )
    pub_permit_number = models.CharField(
        _("nomor izin PUB"),
        max_length=100,
        blank=True,
        help_text=_(
            "Izin Pengumpulan Uang atau Barang (Permensos 8/2021). "
            "Halaman donasi publik hanya tampil bila diisi."
        ),
    )
    zakat_license_number = models.CharField(
        _("nomor izin pengelola zakat"), max_length=100, blank=True
    )
    npwp = models.CharField(_("NPWP"), max_length=25, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    region_code = models.CharField(_("kode wilayah Kemendagri"), max_length=13, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=150, blank=True)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=150, blank=True)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    treasurer_signatory_name = models.CharField(
        _("nama bendahara penanda tangan"), max_length=150, blank=True
    )
    treasurer_signatory_nip = models.CharField(_("NIP bendahara"), max_length=18, blank=True)
    logo = models.ImageField(_("logo"), upload_to="organisation/", blank=True)
    # The regency's coat of arms, printed on the left of the letterhead (kop surat).
    emblem = models.ImageField(_("lambang daerah"), upload_to="organisation/", blank=True)
    # The place written before the date on letters: "Sragen, 1 Desember 2026".
    city = models.CharField(_("tempat penandatanganan (kota)"), max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil organisasi")
        verbose_name_plural = _("profil organisasi")

    def __str__(self) -> str:
        return self.name

    @property
    def is_zakat_body(self) -> bool:
        return self.legal_status == self.LegalStatus.ZAKAT_BODY

    @property
    def may_collect_publicly(self) -> bool:
        return bool(self.pub_permit_number.strip())


class AuditEntry(models.Model):
    """One change to one object. Append-only: the database refuses UPDATE/DELETE."""

    # Not auto_now_add: the time is set before the entry is sealed (core.audit).
    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    actor_label = models.CharField(_("pelaku"), max_length=254, blank=True)
    action = models.CharField(_("tindakan"), max_length=100, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=100, db_index=True)
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("objek"), max_length=255, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    # Keyed hash chain (core.chain): each entry seals its content and the previous hash.
    sequence = models.PositiveBigIntegerField(_("nomor urut"), default=0, db_index=True)
    hash = models.CharField(max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AuditHead(models.Model):
    """The single row that orders the audit chain; locked by every audit write."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("kepala rantai audit")

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"


class Job(models.Model):
    """A long-running piece of work (an import, a batch of PDFs) with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result_url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("pekerjaan latar belakang")
        verbose_name_plural = _("pekerjaan latar belakang")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class StoredFile(models.Model):
    """One uploaded file, kept encrypted on disk under a name of our choosing.

    The content is encrypted with the data key (core.crypto), so the media
    backup and any local user see only ciphertext. The name on disk and the
    content type served come from the detected kind, never from the upload.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    purpose = models.CharField(_("keperluan"), max_length=60, db_index=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    # Relative to the file root (settings.KENANGA_FILE_ROOT).
    path = models.CharField(max_length=200, unique=True)
    size = models.PositiveIntegerField(_("ukuran"), default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    # What a photo's metadata said, kept as data: the file itself is re-encoded
    # without EXIF, so a downloaded photo no longer tells where a family lives.
    taken_at = models.DateTimeField(_("waktu pengambilan"), null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    delete_after = models.DateTimeField(_("hapus setelah"), null=True, blank=True, db_index=True)
    deleted_at = models.DateTimeField(_("dihapus pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("berkas tersimpan")
        verbose_name_plural = _("berkas tersimpan")

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk} ({self.kind})"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PeriodicRun(models.Model):
    """One run of a periodic job for one day: beat and cron may both fire, the job runs once."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    result = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("jalankan berkala")
        verbose_name_plural = _("jalankan berkala")
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="core_periodicrun_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
