"""Background work of the core app: the worker heartbeat and housekeeping."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.periodic import run_once_a_day

logger = logging.getLogger("kenanga.worker")

HEARTBEAT_KEY = "kenanga:worker-heartbeat"
HEARTBEAT_SECONDS = 15
# A worker silent for this long is reported as down by the health check.
HEARTBEAT_STALE_SECONDS = 90


def heartbeat_write() -> None:
    cache.set(
        HEARTBEAT_KEY,
        {"host": socket.gethostname(), "at": time.time()},
        timeout=HEARTBEAT_STALE_SECONDS * 4,
    )


def heartbeat_start() -> threading.Thread:
    """Start the thread that tells the health check this worker is alive."""

    def beat() -> None:
        while True:
            try:
                heartbeat_write()
            except Exception:  # Redis down: the health check reports it; keep beating
                logger.warning("worker heartbeat could not be written", exc_info=True)
            time.sleep(HEARTBEAT_SECONDS)

    thread = threading.Thread(target=beat, name="kenanga-heartbeat", daemon=True)
    thread.start()
    return thread


def heartbeat_age() -> float | None:
    """Return seconds since a worker last reported, or None when none ever did."""
    last = cache.get(HEARTBEAT_KEY)
    return None if not last else max(0.0, time.time() - last["at"])


@shared_task
def sessions_clear() -> str:
    """Delete expired login sessions (Django's clearsessions), once a day."""

    def work(day: dt.date) -> str:
        from django.contrib.sessions.models import Session

        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        return f"{deleted} sesi kedaluwarsa dihapus"

    return run_once_a_day("core.sessions_clear", work)


@shared_task
def user_invitation_send(user_pk: int) -> bool:
    """Mail an invited person the link that lets them choose their own password.

    The link is allauth's password-reset link: a one-time token that stops
    working once a password is set (it is keyed on the password hash) and after
    PASSWORD_RESET_TIMEOUT. Running this twice sends a second, equally valid
    link; a person who already chose a password gets nothing.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from core.links import site_url
    from core.models import User
    from core.organisation import get_organisation

    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "organisation": get_organisation(),
        "link": site_url(path),
        "login_link": site_url(reverse("account_login")),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "roles": [str(label) for code, label in _role_labels() if code in user.roles],
    }
    # Kenanga speaks Indonesian first; the person may switch language once logged in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("core/email/invitation_subject.txt", context).strip()
        body = render_to_string("core/email/invitation_message.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


def _role_labels():
    from core.roles import Role

    return Role.choices


@shared_task
def files_purge() -> str:
    """Delete uploaded files past their retention and orphaned ones, once a day."""

    def work(day: dt.date) -> str:
        from core.uploads import stored_files_purge

        count, orphans = stored_files_purge()
        return f"{count} berkas lewat masa simpan dan {orphans} berkas yatim dihapus"

    return run_once_a_day("core.files_purge", work)
