from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identity import IdentityError, parse_nip
from core.models import User
from core.money import MoneyError, parse_amount
from core.roles import Role
from core.uploads import validate_document
from donors import ledger
from donors.models import Contribution, Donor, Opd, Scheme
from donors.payroll import parse_period
from donors.services import PROOF_MAX_BYTES


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


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    received_on = forms.DateField(label=_("Tanggal dana diterima"), widget=DATE)
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


class GiftForm(forms.Form):
    donor = forms.ModelChoiceField(
        label=_("Donatur"), queryset=Donor.objects.filter(is_active=True).order_by("name")
    )
    channel = forms.ChoiceField(
        label=_("Cara"),
        choices=[c for c in Contribution.Channel.choices if c[0] != Contribution.Channel.PAYROLL],
    )
    fund = forms.ModelChoiceField(label=_("Dana"), queryset=ledger.Fund.objects.none())
    location = forms.ModelChoiceField(
        label=_("Diterima di"), queryset=ledger.MoneyLocation.objects.none()
    )
    amount = AmountField(label=_("Jumlah"))
    date = forms.DateField(label=_("Tanggal diterima"), widget=DATE)
    proof = forms.FileField(
        label=_("Bukti transfer (PDF, JPG atau PNG, paling besar 5 MB)"), required=False
    )
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = ledger.Fund.objects.all()
        self.fields["location"].queryset = ledger.MoneyLocation.objects.all()
        self.fields["date"].initial = timezone.localdate()

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
        return data
