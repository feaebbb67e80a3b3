import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from donors.models import Contribution, Donor, Opd, PayrollImport


class DonorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nama atau NIP"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=Donor.Kind.choices)
    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=Opd.objects.all())
    position = django_filters.ChoiceFilter(
        label=_("Eselon/jabatan"), choices=Donor.Position.choices
    )

    class Meta:
        model = Donor
        fields = ["q", "kind", "opd", "position"]

    def search(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(nip__startswith=value)
        return queryset.filter(name__icontains=value)


class ContributionFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(label=_("Cara"), choices=Contribution.Channel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Contribution.Status.choices)
    date_from = DateFilter(label=_("Dari tanggal"), field_name="date", lookup_expr="gte")
    date_to = DateFilter(label=_("Sampai tanggal"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Contribution
        fields = ["channel", "status", "date_from", "date_to"]


class PayrollImportFilter(django_filters.FilterSet):
    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=Opd.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PayrollImport.Status.choices)

    class Meta:
        model = PayrollImport
        fields = ["opd", "status"]
