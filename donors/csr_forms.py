"""Forms of the CSR partner portal. They read input; the services in donors.csr decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from allauth.account.forms import SignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.dates import DateError, DateField, parse_date
from core.money import MoneyError, parse_amount
from core.uploads import validate_document
from donors.errors import DonorError
from donors.models import Partner, Pledge


class MoneyField(forms.CharField):
    """An amount typed the Indonesian way (`1.500.000`, `Rp1.500.000`)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except MoneyError as exc:
            raise ValidationError(str(exc)) from None


class PartnerSignupForm(SignupForm):
    """allauth's sign-up, extended with the company's identity; open for CSR partners only."""

    legal_name = forms.CharField(label=_("Nama badan hukum"), max_length=200)
    npwp = forms.CharField(label=_("NPWP perusahaan"), max_length=25)
    contact_name = forms.CharField(label=_("Narahubung"), max_length=150)
    contact_phone = forms.CharField(label=_("Telepon narahubung"), max_length=30, required=False)
    document = forms.FileField(
        label=_("Akta/NIB perusahaan (PDF atau gambar)"), help_text=_("Paling besar 5 MB.")
    )

    def clean_npwp(self):
        from donors.csr import npwp_validate

        try:
            digits = npwp_validate(self.cleaned_data["npwp"])
        except DonorError as exc:
            raise ValidationError(exc.message) from None
        if Partner.objects.filter(npwp=digits).exists():
            raise ValidationError(_("Perusahaan dengan NPWP ini sudah terdaftar."))
        return digits

    def clean_document(self):
        upload = self.cleaned_data["document"]
        validate_document(upload)
        return upload

    def try_save(self, request):
        from donors.csr import partner_register

        # The account and the company come into being together, or not at all.
        with transaction.atomic():
            user, response = super().try_save(request)
            if response is None:
                partner_register(
                    user=user,
                    legal_name=self.cleaned_data["legal_name"],
                    npwp=self.cleaned_data["npwp"],
                    contact_name=self.cleaned_data["contact_name"],
                    contact_phone=self.cleaned_data.get("contact_phone", ""),
                    document=self.cleaned_data["document"],
                )
        return user, response


class PledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=Pledge.Kind.choices)
    title = forms.CharField(label=_("Judul"), max_length=200)
    total_amount = MoneyField(label=_("Nilai janji (Rp)"))
    programme = forms.ChoiceField(
        label=_("Program (kosongkan bila tanpa pembatasan)"), required=False
    )
    area = forms.CharField(
        label=_("Wilayah (kode Kemendagri, kosongkan bila semua)"), max_length=13, required=False
    )
    agreement_number = forms.CharField(label=_("Nomor PKS/MoU"), max_length=100, required=False)
    agreement_document = forms.FileField(label=_("Dokumen PKS/MoU"), required=False)
    schedule = forms.CharField(
        label=_("Jadwal cicilan (uang)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu baris per cicilan: tanggal jatuh tempo (hh/bb/tttt); jumlah."),
    )
    goods = forms.CharField(
        label=_("Barang"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Satu baris per barang: nama; jumlah; nilai satuan; tanggal serah (hh/bb/tttt)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from funds.models import Programme

        self.fields["programme"].choices = [("", "-")] + [
            (p.code, p.name) for p in Programme.objects.filter(is_active=True).order_by("code")
        ]

    @staticmethod
    def _date(text: str, row: int) -> dt.date:
        try:
            return parse_date(text)
        except DateError as exc:
            raise ValidationError(_("Baris %(n)d: %(e)s") % {"n": row, "e": exc}) from None

    @staticmethod
    def _money(text: str, row: int) -> Decimal:
        try:
            return parse_amount(text.strip())
        except MoneyError as exc:
            raise ValidationError(_("Baris %(n)d: %(e)s") % {"n": row, "e": exc}) from None

    def clean_schedule(self):
        rows = []
        for n, line in enumerate(self.cleaned_data.get("schedule", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(";")
            if len(parts) != 2:
                raise ValidationError(_("Baris %(n)d: tulis tanggal; jumlah.") % {"n": n})
            rows.append((self._date(parts[0], n), self._money(parts[1], n)))
        return rows

    def clean_goods(self):
        from donors.csr import GoodsLine

        rows = []
        for n, line in enumerate(self.cleaned_data.get("goods", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(";")
            if len(parts) != 4 or not parts[1].strip().isdigit():
                raise ValidationError(
                    _("Baris %(n)d: tulis nama; jumlah; nilai satuan; tanggal.") % {"n": n}
                )
            rows.append(
                GoodsLine(
                    description=parts[0].strip(),
                    quantity=int(parts[1]),
                    unit_value=self._money(parts[2], n),
                    delivery_date=self._date(parts[3], n),
                )
            )
        return rows


class AmountForm(forms.Form):
    amount = MoneyField(label=_("Jumlah (Rp)"))


class TransferForm(forms.Form):
    amount = MoneyField(label=_("Jumlah ditransfer (Rp)"))
    transferred_on = DateField(label=_("Tanggal transfer"))
    proof = forms.FileField(label=_("Bukti transfer (gambar atau PDF)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}))


class PublicGiftForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail (untuk tanda terima)"), required=False)
    show_name = forms.BooleanField(
        label=_("Saya setuju nama saya ditampilkan (bila tidak: Hamba Allah)"), required=False
    )
    amount = MoneyField(label=_("Jumlah (Rp)"))

    def clean(self):
        data = super().clean()
        if data.get("show_name") and not (data.get("name") or "").strip():
            self.add_error("name", _("Isi nama bila ingin ditampilkan."))
        return data


class HandOnForm(forms.Form):
    """Hand goods on: to the household chosen above, or to a public facility in a desa."""

    recipient = forms.ChoiceField(
        label=_("Penerima"),
        choices=[("household", _("Rumah tangga penerima")), ("facility", _("Fasilitas umum"))],
        widget=forms.RadioSelect,
    )
    quantity = forms.IntegerField(label=_("Jumlah diserahkan"), min_value=1)
    bast_number = forms.CharField(label=_("Nomor BAST penyerahan"), max_length=100)
    date = DateField(label=_("Tanggal serah"))
    programme = forms.ChoiceField(label=_("Program (untuk rumah tangga)"), required=False)
    facility_name = forms.CharField(label=_("Nama fasilitas umum"), max_length=200, required=False)
    village_code = forms.CharField(
        label=_("Kode desa/kelurahan fasilitas (10 angka Kemendagri)"),
        max_length=13,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from beneficiaries.forms import RegionPickMixin
        from funds.models import Programme

        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "—")] + [
            (p.code, p.name) for p in Programme.objects.filter(is_active=True).order_by("name")
        ]
        # The desa is picked by name among the regency's villages (decisions.md 35).
        RegionPickMixin.setup_region_fields(self, required=False)
        if "district" in self.fields:
            self.fields["district"].label = _("Kecamatan fasilitas")
            self.fields["village_code"].label = _("Desa/kelurahan fasilitas")

    def clean(self):
        data = super().clean()
        district, village = data.pop("district", None), data.get("village_code")
        if district and village and not str(village).startswith(district + "."):
            self.add_error(
                "village_code",
                _("Desa/kelurahan yang dipilih tidak berada di kecamatan yang dipilih."),
            )
        return data
