from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateField, DateInput
from core.money import MoneyError, parse_amount
from funds.models import Fund, MoneyLocation, ShareLimit


class AmountField(forms.CharField):
    """An amount typed the Indonesian way (1.500.000 / Rp1.500.000,00)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ContributionForm(forms.Form):
    fund = forms.ModelChoiceField(Fund.objects.filter(is_active=True), label=_("Dana"))
    location = forms.ModelChoiceField(
        MoneyLocation.objects.filter(is_active=True), label=_("Diterima di")
    )
    amount = AmountField(label=_("Jumlah (Rp)"))
    date = DateField(label=_("Tanggal"), widget=DateInput(), initial=timezone.localdate)
    description = forms.CharField(label=_("Uraian"), max_length=255)


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(Fund.objects.all(), label=_("Dari dana"))
    target = forms.ModelChoiceField(Fund.objects.filter(is_active=True), label=_("Ke dana"))
    amount = AmountField(label=_("Jumlah (Rp)"))
    date = DateField(label=_("Tanggal"), widget=DateInput(), initial=timezone.localdate)
    description = forms.CharField(label=_("Uraian"), max_length=255)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembalikan"), max_length=200)
    date = DateField(label=_("Tanggal koreksi"), widget=DateInput(), initial=timezone.localdate)


class PeriodCloseForm(forms.Form):
    month = forms.DateField(
        label=_("Bulan yang ditutup"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class StatementImportForm(forms.Form):
    location = forms.ModelChoiceField(
        MoneyLocation.objects.filter(kind=MoneyLocation.Kind.BANK), label=_("Rekening")
    )
    file = forms.FileField(label=_("Rekening koran (CSV/XLSX)"))


class PeriodForm(forms.Form):
    date_from = DateField(label=_("Dari"), widget=DateInput())
    date_to = DateField(label=_("Sampai"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Tanggal awal sesudah tanggal akhir."))
        return data

    @staticmethod
    def default_range() -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        return today.replace(month=1, day=1), today


class FundForm(forms.Form):
    code = forms.SlugField(label=_("Kode"), max_length=60)
    name = forms.CharField(label=_("Nama"), max_length=150)
    restriction = forms.ChoiceField(label=_("Kelas pembatasan"), choices=Fund.Restriction.choices)
    purpose = forms.CharField(
        label=_("Tujuan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    allowed_programmes = forms.CharField(
        label=_("Program yang diizinkan"),
        required=False,
        help_text=_("Kode program dipisah koma; kosong berarti semua program."),
    )
    allowed_areas = forms.CharField(
        label=_("Wilayah yang diizinkan"),
        required=False,
        help_text=_("Kode wilayah Kemendagri dipisah koma, mis. 33.14.09; kosong berarti semua."),
    )

    def _codes(self, name):
        return [c.strip() for c in self.cleaned_data.get(name, "").split(",") if c.strip()]

    def clean_allowed_programmes(self):
        return self._codes("allowed_programmes")

    def clean_allowed_areas(self):
        # The codes are checked by funds.services.fund_create, for every caller.
        return self._codes("allowed_areas")


class FundEditForm(FundForm):
    """A fund's rules; its code and restriction class never change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]
        del self.fields["restriction"]


class MoneyLocationForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=150)
    bank_name = forms.CharField(label=_("Nama bank"), max_length=100, required=False)
    account_number = forms.CharField(label=_("Nomor rekening"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("Aktif"), required=False)


class ShareLimitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis batas"), choices=ShareLimit.Kind.choices)
    rate = forms.DecimalField(
        label=_("Batas (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    valid_from = DateField(label=_("Berlaku sejak"), widget=DateInput(), initial=timezone.localdate)
