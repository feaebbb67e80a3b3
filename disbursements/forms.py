"""Forms of the disbursement screens. They parse input; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Person
from core.dates import DateField, DateInput
from core.money import MoneyError, parse_amount
from disbursements.models import EvidenceKind, PayeeKind, Payment
from funds.models import Fund, MoneyLocation, Programme
from funds.services import ASNAF


class AmountField(forms.CharField):
    """An amount typed the Indonesian way (`1.500.000`); English format is refused."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return value
        try:
            return parse_amount(value)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc


class RequestForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Program"), queryset=Programme.objects.filter(is_active=True)
    )
    member = forms.ModelChoiceField(
        label=_("Anggota yang dibantu"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Murid, pasien, atau lansia; kosongkan untuk bantuan satu rumah tangga."),
    )
    fund = forms.ModelChoiceField(label=_("Dana"), queryset=Fund.objects.all())
    amount = forms.CharField(label=_("Jumlah (Rp)"), help_text=_("Contoh: 5.000.000"))
    payee_kind = forms.ChoiceField(label=_("Dibayarkan kepada"), choices=PayeeKind.choices)
    payee_name = forms.CharField(label=_("Nama penerima pembayaran"), max_length=150)
    payee_account = forms.CharField(label=_("Rekening penerima"), max_length=60, required=False)
    asnaf = forms.ChoiceField(
        label=_("Asnaf (dana zakat)"),
        choices=[("", "—")] + [(a, a.replace("_", " ")) for a in ASNAF],
        required=False,
    )
    note = forms.CharField(
        label=_("Keterangan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    publication_consent = forms.BooleanField(
        label=_("Keluarga setuju inisial nama kepala keluarga dipublikasikan"), required=False
    )
    photos_consent = forms.BooleanField(
        label=_("Keluarga setuju foto rumah dipublikasikan"), required=False
    )

    def __init__(self, *args, household=None, zakat: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None:
            self.fields["member"].queryset = Person.objects.filter(
                memberships__household=household, memberships__ended_on__isnull=True
            ).order_by("birth_date")
            self.fields["member"].label_from_instance = lambda p: f"{p.name} ({p.birth_date:%Y})"
        if not zakat:
            del self.fields["asnaf"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=255)


class PaymentForm(forms.Form):
    amount = AmountField(label=_("Jumlah dibayar (Rp)"))
    location = forms.ModelChoiceField(
        label=_("Dibayar dari"), queryset=MoneyLocation.objects.filter(is_active=True)
    )
    method = forms.ChoiceField(label=_("Cara bayar"), choices=Payment.Method.choices)
    payee_account = forms.CharField(label=_("Rekening penerima"), max_length=60, required=False)
    bank_reference = forms.CharField(
        label=_("Nomor referensi bank"), max_length=100, required=False
    )
    date = DateField(label=_("Tanggal bayar"), widget=DateInput())
    stage_note = forms.CharField(
        label=_("Tahap"),
        max_length=150,
        required=False,
        help_text=_("Misalnya: bahan bangunan tahap 1."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis bukti"), choices=EvidenceKind.choices)
    file = forms.FileField(label=_("Berkas (JPG/PNG, atau PDF untuk dokumen; paling besar 5 MB)"))
    caption = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


class BatchForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Program"), queryset=Programme.objects.filter(is_active=True)
    )
    fund = forms.ModelChoiceField(label=_("Dana"), queryset=Fund.objects.all())
    file = forms.FileField(label=_("Daftar murid (CSV atau XLSX)"))
