from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.services import ORG_FIELDS
from core.uploads import validate_document


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORG_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_npwp(self):
        npwp = "".join(ch for ch in self.cleaned_data["npwp"] if ch.isdigit())
        if npwp and len(npwp) not in (15, 16):
            raise forms.ValidationError(_("NPWP harus 15 atau 16 angka."))
        return self.cleaned_data["npwp"].strip()

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):
            validate_document(logo, allowed=("png", "jpeg"), max_bytes=1024 * 1024)
        return logo

    def clean_emblem(self):
        emblem = self.cleaned_data.get("emblem")
        if emblem and hasattr(emblem, "content_type"):
            validate_document(emblem, allowed=("png", "jpeg"), max_bytes=1024 * 1024)
        return emblem

    def clean(self):
        data = super().clean()
        if data.get("legal_status") == Organisation.LegalStatus.ZAKAT_BODY and not data.get(
            "zakat_license_number"
        ):
            self.add_error(
                "zakat_license_number",
                _("Lembaga pengelola zakat wajib mencantumkan nomor izinnya (UU 23/2011)."),
            )
        for field in ("signatory_nip", "treasurer_signatory_nip"):
            value = data.get(field)
            if value and (not value.isdigit() or len(value) != 18):
                self.add_error(field, _("NIP harus 18 angka."))
        return data
