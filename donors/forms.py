from __future__ import annotations

import copy

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateField, DateInput
from core.identity import IdentityError, parse_nip
from core.models import User
from core.money import MoneyError, parse_amount
from core.roles import Role
from core.uploads import validate_document
from donors import ledger
from donors.models import Contribution, Donor, Opd, Scheme
from donors.payroll import parse_period
from donors.services import GIFT_CHANNEL_LOCATIONS, PROOF_MAX_BYTES


class AmountField(forms.CharField):
    """An amount of rupiah in any Indonesian spelling (core.money.parse_amount)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Contoh: 150.000 atau Rp150.000,00"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_amount(value)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_period(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


DATE = DateInput()


class DonorForm(forms.ModelForm):
    class Meta:
        model = Donor
        fields = [
            "kind",
            "name",
            "nip",
            "rank",
            "position",
            "job_title",
            "opd",
            "npwp",
            "institution_type",
            "email",
            "phone",
            "address",
            "display",
            "name_consent_on",
            "user",
        ]
        field_classes = {"name_consent_on": DateField}
        widgets = {
            "name_consent_on": DATE,
            "address": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = Opd.objects.filter(is_active=True)
        self.fields["user"].queryset = User.objects.filter(
            role_assignments__role=Role.CONTRIBUTOR
        ).order_by("email")
        self.fields["user"].help_text = _("Akun donatur yang boleh melihat sumbangannya sendiri.")

    def clean_nip(self):
        nip = (self.cleaned_data.get("nip") or "").strip()
        if not nip:
            return None
        try:
            return parse_nip(nip).nip
        except IdentityError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_npwp(self):
        npwp = (self.cleaned_data.get("npwp") or "").strip()
        digits = "".join(ch for ch in npwp if ch.isdigit())
        if npwp and len(digits) not in (15, 16):
            raise forms.ValidationError(_("NPWP harus 15 atau 16 angka."))
        return npwp

    def clean(self):
        from donors.services import donor_problems

        data = super().clean()
        # The rules live in the service (donors.services.donor_problems); the
        # form only shows them next to the fields they are about.
        for field, message in donor_problems(data).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        label=_("Donatur ganda yang digabung ke donatur ini"), queryset=Donor.objects.none()
    )

    def __init__(self, *args, keep: Donor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = Donor.objects.filter(merged_into__isnull=True).exclude(
            pk=keep.pk
        )


class OpdForm(forms.ModelForm):
    class Meta:
        model = Opd
        fields = ["code", "name", "is_active"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["code", "name", "fund", "deposit_location", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class SchemeRateForm(forms.Form):
    position = forms.ChoiceField(label=_("Eselon/jabatan"), choices=Donor.Position.choices)
    valid_from = MonthField(label=_("Berlaku mulai bulan"))
    minimum_amount = AmountField(label=_("Minimal per bulan"))


class EnrolmentForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Skema"), queryset=Scheme.objects.all())
    monthly_amount = AmountField(label=_("Jumlah per bulan"))
    start = MonthField(label=_("Mulai bulan"))
    end = MonthField(label=_("Sampai bulan"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pembatalan"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PayrollUploadForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Skema"), queryset=Scheme.objects.all())
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=Opd.objects.filter(is_active=True))
    period = MonthField(label=_("Bulan potongan"))
    received_on = DateField(label=_("Tanggal dana diterima"), widget=DATE)
    expected_count = forms.IntegerField(
        label=_("Jumlah pegawai menurut slip transfer"), min_value=1
    )
    expected_total = AmountField(label=_("Total menurut slip transfer"))
    file = forms.FileField(
        label=_("Berkas potongan gaji (CSV atau XLSX)"),
        help_text=_("Kolom wajib: NIP, NAMA, JUMLAH."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        if Scheme.objects.count() == 1:
            self.fields["scheme"].initial = Scheme.objects.first()


class DonorSearchSelect(forms.Select):
    """A donor picker that holds only the chosen donor; the rest are searched as one types.

    A select with every donor grows with the register (300 PNS and counting); the
    page loads the matches from donors:donor_search instead (static/kenanga/kenanga.js).
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-searchable": "", **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        if hasattr(self.choices, "queryset"):
            # Read only the chosen donor from the database: filtering the options in
            # Python still loaded all 21.000 donors of a regency (7 s a form).
            iterator = copy.copy(self.choices)
            iterator.queryset = self.choices.queryset.filter(
                pk__in=[v for v in chosen if v.isdecimal()]
            )
            self.choices = iterator
        else:
            self.choices = [
                (key, label) for key, label in self.choices if key == "" or str(key) in chosen
            ]
        return super().optgroups(name, value, attrs)


class LocationSelect(forms.Select):
    """Money locations with their kind, so the channel's match is visible (cash box, bank)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
            option["label"] = f"{instance.name} ({instance.get_kind_display()})"
        return option


class GiftForm(forms.Form):
    donor = forms.ModelChoiceField(
        label=_("Donatur"),
        queryset=Donor.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=DonorSearchSelect(),
        help_text=_(
            "Ketik nama atau NIP untuk mencari. Belum terdaftar? Isi donatur baru di bawah."
        ),
    )
    new_donor_kind = forms.ChoiceField(
        label=_("Jenis donatur baru"),
        required=False,
        choices=[("", "—")] + [c for c in Donor.Kind.choices if c[0] != Donor.Kind.CIVIL_SERVANT],
    )
    new_donor_name = forms.CharField(
        label=_("Nama donatur baru"),
        required=False,
        max_length=200,
        help_text=_("PNS didaftarkan lewat halaman Donatur baru (dengan NIP dan OPD)."),
    )
    channel = forms.ChoiceField(
        label=_("Cara"),
        choices=[c for c in Contribution.Channel.choices if c[0] != Contribution.Channel.PAYROLL],
        widget=forms.RadioSelect,
    )
    fund = forms.ModelChoiceField(label=_("Dana"), queryset=ledger.Fund.objects.none())
    location = forms.ModelChoiceField(
        label=_("Diterima di"),
        queryset=ledger.MoneyLocation.objects.none(),
        widget=LocationSelect,
        help_text=_("Tunai di loket masuk ke kas tunai; transfer masuk ke rekening bank."),
    )
    amount = AmountField(label=_("Jumlah"))
    date = DateField(label=_("Tanggal diterima"), widget=DATE)
    proof = forms.FileField(
        label=_("Bukti transfer (PDF, JPG atau PNG, paling besar 5 MB)"), required=False
    )
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = ledger.Fund.objects.filter(is_active=True)
        self.fields["location"].queryset = ledger.MoneyLocation.objects.filter(is_active=True)
        self.fields["date"].initial = timezone.localdate()
        from django.urls import reverse

        self.fields["donor"].widget.attrs["data-search-url"] = reverse("donors:donor_search")

    def clean_proof(self):
        proof = self.cleaned_data.get("proof")
        if proof:
            validate_document(proof, allowed=("pdf", "jpeg", "png"), max_bytes=PROOF_MAX_BYTES)
        return proof

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Tanggal diterima tidak boleh di masa depan."))
        return date

    def clean(self):
        data = super().clean()
        transfer = data.get("channel") == Contribution.Channel.TRANSFER
        if transfer and not data.get("proof") and "proof" not in self.errors:
            self.add_error("proof", _("Transfer bank wajib disertai bukti transfer."))
        donor, new_name = data.get("donor"), (data.get("new_donor_name") or "").strip()
        if donor and new_name:
            self.add_error(
                "new_donor_name", _("Pilih donatur yang ada atau isi donatur baru, bukan keduanya.")
            )
        elif not donor and not new_name and "donor" not in self.errors:
            self.add_error("donor", _("Pilih donatur, atau isi nama donatur baru."))
        elif new_name and not data.get("new_donor_kind"):
            self.add_error("new_donor_kind", _("Pilih jenis donatur baru."))
        location, channel = data.get("location"), data.get("channel")
        if location and channel and location.kind not in GIFT_CHANNEL_LOCATIONS.get(channel, ()):
            self.add_error(
                "location",
                _("%(channel)s tidak dapat diterima di %(location)s.")
                % {"channel": Contribution.Channel(channel).label, "location": location},
            )
        return data
