"""Publishing reports: the only writes of the transparency app."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.roles import Role
from transparency.documents import report_pdf
from transparency.errors import TransparencyError
from transparency.figures import report_build, snapshot_hash
from transparency.models import PublishedReport
from transparency.periods import Period
from transparency.selectors import PUBLISHED_GENERATION_KEY


@transaction.atomic
def report_publish(*, period: Period, actor) -> PublishedReport:
    """Freeze the figures of a closed period, chain them to the last report, render the PDF.

    Refused unless the actor is the head, every month of the period is closed,
    the figures reconcile and the period was not published before.
    """
    if not actor.has_role(Role.HEAD):
        raise TransparencyError(_("Hanya kepala unit yang dapat menerbitkan laporan."))
    if period.end >= timezone.localdate():
        raise TransparencyError(_("Periode yang belum berakhir tidak dapat diterbitkan."))
    # Lock the chain's end, so two publications cannot both claim the next place.
    last = PublishedReport.objects.select_for_update().order_by("-sequence").first()
    if PublishedReport.objects.filter(date_from=period.start, date_to=period.end).exists():
        raise TransparencyError(
            _("Laporan %(p)s sudah terbit; koreksi tampil pada periode berikutnya.")
            % {"p": period.label}
        )
    snapshot = report_build(period=period)
    if not snapshot["period"]["all_months_closed"]:
        raise TransparencyError(
            _("Tutup dulu setiap bulan dalam periode %(p)s sebelum menerbitkan laporannya.")
            % {"p": period.label}
        )
    if not snapshot["reconciles"]:
        raise TransparencyError(
            _(
                "Angka periode %(p)s tidak rekonsiliasi (saldo awal + penerimaan - penyaluran "
                "± pemindahan ≠ saldo akhir); jalankan verify_ledger dan perbaiki dulu."
            )
            % {"p": period.label}
        )
    snapshot["sequence"] = (last.sequence + 1) if last else 1
    snapshot["previous_hash"] = last.hash if last else ""
    snapshot["published_at"] = timezone.now().isoformat(timespec="seconds")
    digest = snapshot_hash(snapshot)
    verify_url = f"{settings.SITE_URL.rstrip('/')}{reverse('transparency:verify')}?hash={digest}"
    pdf = report_pdf(snapshot=snapshot, report_hash=digest, verify_url=verify_url)
    try:
        with transaction.atomic():
            report = PublishedReport.objects.create(
                sequence=snapshot["sequence"],
                kind=period.kind,
                period_code=period.code,
                date_from=period.start,
                date_to=period.end,
                snapshot=snapshot,
                hash=digest,
                previous_hash=snapshot["previous_hash"],
                ledger_hash=snapshot["ledger"]["head_hash"],
                pdf=pdf,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                published_by=actor,
            )
    except IntegrityError as exc:  # a concurrent publication took the place or the period
        raise TransparencyError(
            _("Laporan lain baru saja terbit; muat ulang halaman dan coba lagi.")
        ) from exc
    # Cached public pages showed live figures for this period: have them redrawn. Set at
    # once, not on commit: a rolled-back publication only costs one needless redraw.
    cache.set(PUBLISHED_GENERATION_KEY, digest, None)
    audit_log(
        report,
        "transparency.report.published",
        actor=actor,
        changes={"period": period.code, "hash": digest, "previous": snapshot["previous_hash"]},
    )
    return report
