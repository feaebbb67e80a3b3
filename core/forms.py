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

    def clean_emblem(self):
        emblem = self.cleaned_data.get("emblem")
        if emblem and hasattr(emblem, "content_type"):
            validate_document(emblem, allowed=("png", "jpeg"), max_bytes=1024 * 1024)
        return emblem

    def clean(self):
        data = super().clean()
        # The rules live in core.services.organisation_problems, for every caller.
        for field, message in organisation_problems(data).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


def role_choices(roles) -> list[tuple[str, str]]:
    """Return role choices labelled with the role's name and one line of what it may do."""
    from django.utils.html import format_html

    from core.roles import ROLE_DUTIES

    return [
        (
            str(role),
            format_html(
                '<span class="fw-semibold">{}</span> <span class="d-block small text-muted">{}</span>',
                role.label,
                ROLE_DUTIES[role],
            ),
        )
        for role in roles
    ]


class InviteForm(forms.Form):
    """Who to invite; the person chooses their own password from the mailed link."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    email = forms.EmailField(label=_("Alamat e-mail"), max_length=254)
    roles = forms.MultipleChoiceField(
        label=_("Peran"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Satu orang boleh memegang beberapa peran."),
        error_messages={"required": _("Pilih sedikitnya satu peran.")},
    )

    def __init__(self, *args, **kwargs):
        from core.roles import INVITABLE_ROLES

        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(INVITABLE_ROLES)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class RoleForm(forms.Form):
    """One role to grant or revoke."""

    role = forms.ChoiceField(label=_("Peran"), choices=())

    def __init__(self, *args, roles=(), **kwargs):
        from core.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(str(r), Role(r).label) for r in roles]
