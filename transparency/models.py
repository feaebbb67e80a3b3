"""Published reports: frozen snapshots of a period's figures, chained by their hashes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PublishedReport(models.Model):
    """One published report. Never changed: corrections appear in later reports."""

    class Kind(models.TextChoices):
        MONTH = "month", _("Bulan")
        SEMESTER = "semester", _("Semester")
        YEAR = "year", _("Tahun")

    sequence = models.PositiveIntegerField(_("nomor urut"), unique=True)
    kind = models.CharField(_("jenis periode"), max_length=10, choices=Kind.choices)
    period_code = models.CharField(_("periode"), max_length=10)
    date_from = models.DateField()
    date_to = models.DateField()
    # The figures exactly as published; `hash` is the SHA-256 of their canonical JSON,
    # which includes `previous_hash`, so each report vouches for the one before it.
    snapshot = models.JSONField()
    hash = models.CharField(max_length=64, unique=True)
    previous_hash = models.CharField(max_length=64, blank=True, default="")
    ledger_hash = models.CharField(_("hash kepala buku besar"), max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64, unique=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("laporan terbit")
        verbose_name_plural = _("laporan terbit")
        constraints = [
            models.UniqueConstraint(
                fields=["date_from", "date_to"], name="transparency_period_once"
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")), name="transparency_report_dates"
            ),
            models.CheckConstraint(
                condition=Q(sequence=1, previous_hash="")
                | Q(sequence__gt=1) & ~Q(previous_hash=""),
                name="transparency_report_chained",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.period_code}"
