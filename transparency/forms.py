from django import forms
from django.utils.translation import gettext_lazy as _

from transparency.periods import PeriodError, period_parse

MAX_UPLOAD = 5 * 1024 * 1024


class PublishForm(forms.Form):
    period = forms.CharField(
        label=_("Periode"), max_length=10, help_text=_("Contoh: 2025-05, 2025-S1, 2025.")
    )

    def clean_period(self):
        try:
            return period_parse(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


class VerifyForm(forms.Form):
    hash = forms.CharField(label=_("Hash laporan (SHA-256)"), max_length=64, required=False)
    file = forms.FileField(label=_("Atau unggah berkas laporan (PDF atau JSON)"), required=False)

    def clean_hash(self):
        value = self.cleaned_data["hash"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError(_("Hash terdiri atas 64 karakter 0-9 dan a-f."))
        return value

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 5 MB)."))
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("hash") and not data.get("file"):
            raise forms.ValidationError(_("Ketik hash laporan atau unggah berkasnya."))
        return data


class DocumentCheckForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor dokumen atau kode di bawah QR"),
        max_length=64,
        help_text=_("Contoh: 000123/TTS/2025, nomor kartu, nomor surat."),
    )
