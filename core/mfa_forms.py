"""The two-step login form, telling a code used a moment ago from a wrong one.

allauth.mfa accepts each TOTP code once: `TOTP.validate_code` marks a right
code as used with `cache.add` and answers False when the mark is already
there, exactly as for a wrong code ("incorrect_code"). A person who logged
out and back in within the same 30 seconds types the code still on their
phone and deserves to hear "wait for the next code", not "wrong code". So,
when allauth refuses, this form checks whether the code is the right one for
now and already marked as used.
"""

from __future__ import annotations

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.core.cache import cache


def code_was_just_used(user, code: str) -> bool:
    """Return True when `code` is the user's current TOTP code and was already used."""
    from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
    from allauth.mfa.utils import decrypt

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None or not code:
        return False
    wrapped = TOTP(totp)
    if not validate_totp_code(decrypt(totp.data["secret"]), code):
        return False
    return cache.get(wrapped._get_used_cache_key(code)) is not None


class _ReuseAware:
    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError:
            code = self.cleaned_data.get("code", "")
            if code_was_just_used(self.user, code):
                from allauth.mfa.adapter import get_adapter

                raise get_adapter().validation_error("code_already_used") from None
            raise


class KenangaAuthenticateForm(_ReuseAware, AuthenticateForm):
    pass


class KenangaReauthenticateForm(_ReuseAware, ReauthenticateForm):
    pass
