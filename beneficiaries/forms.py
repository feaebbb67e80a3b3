from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    Basis,
    CampaignItem,
    Complaint,
    CriteriaSet,
    EmergencyLetter,
    Grade,
    ListSource,
    Membership,
    Person,
    Region,
    Registration,
)
from beneficiaries.services import COMPLAINT_CONTACT_MAX_CHARS, COMPLAINT_MAX_CHARS
from core.dates import DateField, DateInput
from core.models import User
from core.roles import Role

DATE = DateInput()


def _users_with(role: str):
    return User.objects.filter(role_assignments__role=role, is_active=True).order_by("full_name")


class VillageCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Kode desa/kelurahan (10 angka Kemendagri)"))
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)


def _regency_code() -> str:
    """Return the dotted code of the organisation's regency (`33.14`), or "" when not set."""
    from beneficiaries.services import region_code_dotted
    from core.organisation import get_organisation

    code = region_code_dotted(get_organisation().region_code or "")
    return code[:5] if len(code) >= 5 else ""


class VillageSelect(forms.Select):
    """A village list grouped by kecamatan; each option knows its kecamatan for narrowing."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-district"] = str(value)[:8]
        return option


class VillageChoiceField(forms.ChoiceField):
    """A village chosen by name; a typed Kemendagri code (`3314012001`) is still understood."""

    def to_python(self, value):
        from beneficiaries.services import region_code_dotted

        value = super().to_python(value)
        return region_code_dotted(value) if value else value


class RegionPickMixin:
    """Let people choose kecamatan, then desa, by name instead of typing a Kemendagri code.

    The field keeps its name `village_code` and its cleaned value (the dotted code), so the
    services are unchanged. Without JavaScript both lists are complete (villages grouped by
    kecamatan) and the form checks that they agree; with it, the kecamatan narrows the villages
    and both lists are searchable. Before the organisation's regency is set, the code field stays.
    """

    def setup_region_fields(self, *, required: bool) -> None:
        regency = _regency_code()
        if not regency:
            return
        districts = Region.objects.filter(level=Region.Level.DISTRICT, parent_id=regency)
        villages = (
            Region.objects.filter(level=Region.Level.VILLAGE, parent__parent_id=regency)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        grouped: dict[str, list] = {}
        for village in villages:
            grouped.setdefault(village.parent.name, []).append((village.code, village.name))
        if not grouped:
            return
        district = forms.ChoiceField(
            label=_("Kecamatan"),
            required=False,
            choices=[("", _("— pilih kecamatan —"))]
            + [(d.code, d.name) for d in districts.order_by("name")],
            widget=forms.Select(
                attrs={"data-district-for": "id_village_code", "data-searchable": ""}
            ),
        )
        village = VillageChoiceField(
            label=_("Desa/kelurahan"),
            required=required,
            choices=[("", _("— pilih desa/kelurahan —"))] + list(grouped.items()),
            widget=VillageSelect(attrs={"data-searchable": ""}),
            help_text=_("Ketik nama desa untuk mencari; pilih kecamatan dulu untuk mempersempit."),
        )
        fields = {}
        for name, field in self.fields.items():
            if name == "village_code":
                fields["district"] = district
                fields["village_code"] = village
            else:
                fields[name] = field
        self.fields = fields

    def clean(self):
        data = super().clean()
        # The kecamatan only helps to choose: the services take the village alone.
        district, village = data.pop("district", None), data.get("village_code")
        if district and village and not str(village).startswith(district + "."):
            self.add_error(
                "village_code",
                _("Desa/kelurahan yang dipilih tidak berada di kecamatan yang dipilih."),
            )
        return data


class DeskForm(RegionPickMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Jalur"), choices=Registration.Channel.choices)
    referrer = forms.CharField(label=_("Perujuk (nama/instansi)"), required=False, max_length=150)
    kk_number = forms.CharField(label=_("Nomor KK"), max_length=20)
    head_nik = forms.CharField(label=_("NIK kepala keluarga"), max_length=20)
    head_name = forms.CharField(label=_("Nama kepala keluarga"), max_length=150)
    head_sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Person.Sex.choices)
    head_birth_date = DateField(label=_("Tanggal lahir"), widget=DATE)
    village_code = VillageCodeField()
    street_address = forms.CharField(label=_("Alamat"), required=False, max_length=300)
    rt = forms.CharField(label=_("RT"), required=False, max_length=3)
    rw = forms.CharField(label=_("RW"), required=False, max_length=3)
    phone = forms.CharField(label=_("Telepon"), required=False, max_length=20)
    need = forms.CharField(
        label=_("Kebutuhan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    verifier = forms.ModelChoiceField(
        label=_("Verifikator untuk kunjungan rumah (bila tidak ada di daftar nasional)"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].queryset = _users_with(Role.VERIFIER)
        self.setup_region_fields(required=True)


class MemberForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=20)
    name = forms.CharField(label=_("Nama"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Person.Sex.choices)
    birth_date = DateField(label=_("Tanggal lahir"), widget=DATE)
    relation = forms.ChoiceField(label=_("Hubungan"), choices=Membership.Relation.choices)
    school_level = forms.ChoiceField(
        label=_("Jenjang sekolah"), choices=Person.SchoolLevel.choices, required=False
    )
    disability = forms.CharField(label=_("Disabilitas"), required=False, max_length=100)
    health_notes = forms.CharField(
        label=_("Catatan kesehatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    move = forms.BooleanField(
        label=_("Pindahkan bila masih anggota KK lain (riwayat disimpan)"), required=False
    )


class VisitForm(forms.Form):
    criteria_set = forms.ModelChoiceField(
        label=_("Set kriteria"), queryset=CriteriaSet.objects.filter(active=True)
    )
    met = forms.MultipleChoiceField(
        label=_("Kriteria terpenuhi"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )
    narrative = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 4}))
    # No grade is pre-selected: the verifier must choose one, not accept a default by accident.
    proposed_grade = forms.ChoiceField(
        label=_("Usulan tingkat"), choices=Grade.choices, widget=forms.RadioSelect
    )
    visited_on = DateField(label=_("Tanggal kunjungan"), widget=DATE, initial=dt.date.today)

    def __init__(self, *args, criteria_set: CriteriaSet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = criteria_set or CriteriaSet.objects.filter(active=True).first()
        if self.is_bound and self.data.get("criteria_set"):
            chosen = CriteriaSet.objects.filter(pk=self.data.get("criteria_set")).first() or chosen
        if chosen is not None:
            self.fields["criteria_set"].initial = chosen.pk
            # Shipped criteria are shown in the reader's language (criteria.py).
            self.fields["met"].choices = [(c.order, gettext(c.text)) for c in chosen.items.all()]
        self.chosen_set = chosen

    def met_count(self) -> int:
        """Count the criteria ticked so far (bound data, or the values carried over)."""
        if self.is_bound:
            return len(self.data.getlist("met")) if hasattr(self.data, "getlist") else 0
        return len(self.initial.get("met") or [])


# The phone's camera opens straight from the photo field; JPEG and PNG are what we keep.
PHOTO_WIDGET = forms.ClearableFileInput(
    attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Foto (JPEG/PNG)"), widget=PHOTO_WIDGET)
    caption = forms.CharField(label=_("Keterangan"), required=False, max_length=200)
    consent_by = forms.CharField(
        label=_("Nama yang memberi izin difoto (persetujuan)"), max_length=150
    )


class VisitPhotoForm(forms.Form):
    """The photo part of the visit page: optional, but a photo needs a named consent."""

    image = forms.FileField(label=_("Foto (JPEG/PNG)"), required=False, widget=PHOTO_WIDGET)
    caption = forms.CharField(label=_("Keterangan foto"), required=False, max_length=200)
    consent_by = forms.CharField(
        label=_("Nama yang memberi izin difoto (persetujuan)"), required=False, max_length=150
    )

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("consent_by") or "").strip():
            self.add_error(
                "consent_by",
                _("Foto hanya boleh disimpan dengan persetujuan: isi nama pemberi izin."),
            )
        return data


class DecisionForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Keputusan"),
        choices=[("1", _("Layak")), ("0", _("Tidak layak"))],
        coerce=lambda v: v == "1",
    )
    grade = forms.ChoiceField(label=_("Tingkat"), choices=Grade.choices)
    basis = forms.ChoiceField(label=_("Dasar keputusan"), choices=Basis.choices)
    basis_reference = forms.CharField(
        label=_("Rujukan dasar (mis. nomor SKTM)"), required=False, max_length=200
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LetterForm(forms.Form):
    addressee = forms.CharField(
        label=_("Kepada Yth."),
        max_length=200,
        required=False,
        initial="Pimpinan Instansi/Lembaga Pemberi Bantuan",
        help_text=_("Mis. Direktur RSUD dr. Soehadi Prijonegoro, atau Kepala Dinas Sosial."),
    )
    reason = forms.ChoiceField(label=_("Alasan"), choices=EmergencyLetter.Reason.choices)
    description = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV/XLSX"))
    source = forms.ChoiceField(label=_("Sumber"), choices=ListSource.choices)
    as_of = DateField(label=_("Tanggal data"), widget=DATE)


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Nama"), required=False, max_length=150)


class CampaignItemForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hasil"), choices=CampaignItem.Outcome.choices)
    error = forms.ChoiceField(
        label=_("Kesalahan sasaran"), choices=CampaignItem.Error.choices, required=False
    )
    reason = forms.CharField(
        label=_("Alasan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ComplaintForm(RegionPickMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis"), choices=Complaint.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("Nama pengadu"),
        max_length=150,
        error_messages={"max_length": _("Nama paling banyak %(limit_value)d karakter.")},
    )
    contact = forms.CharField(
        label=_("Telepon atau e-mail"),
        max_length=COMPLAINT_CONTACT_MAX_CHARS,
        error_messages={"max_length": _("Kontak paling banyak %(limit_value)d karakter.")},
    )
    village_code = VillageCodeField(required=False)
    description = forms.CharField(
        label=_("Isi pengaduan"),
        max_length=COMPLAINT_MAX_CHARS,
        error_messages={
            "max_length": _(
                "Isi pengaduan paling banyak %(limit_value)d karakter (sekarang %(show_value)d): "
                "ringkaslah; tulisan Anda tetap di sini."
            )
        },
        help_text=_("Paling banyak 4.000 karakter."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_fields(required=False)
        # No maxlength in the page: a browser would cut a long paste silently;
        # the server says what is too long and gives the text back instead.
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class ComplaintAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Tugaskan kepada"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            role_assignments__role__in=[Role.VERIFIER, Role.HEAD], is_active=True
        ).distinct()


class ComplaintAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Jawaban"), widget=forms.Textarea(attrs={"rows": 3}))
