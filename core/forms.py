from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.services import ORG_FIELDS, organisation_problems
from core.uploads import reencode_image, validate_document


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
            kind = validate_document(logo, allowed=("png", "jpeg"), max_bytes=1024 * 1024)
            # The logo is public (letterheads), so it is not encrypted, but it is
            # re-encoded like every image: no metadata, no hidden chunk, our name.
            image = reencode_image(logo.read(), kind)
            logo = ContentFile(image.data, name=f"logo.{'jpg' if kind == 'jpeg' else kind}")
        return logo

    def clean(self):
        data = super().clean()
        # The rules live in core.services.organisation_problems, for every caller.
        for field, message in organisation_problems(data).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data
