import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from disbursements.models import DisbursementRequest
from funds.models import Fund, Programme


class RequestFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(label=_("Nomor"), lookup_expr="icontains")
    programme = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Programme.objects.all()
    )
    fund = django_filters.ModelChoiceFilter(label=_("Dana"), queryset=Fund.objects.all())
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DisbursementRequest.Status.choices
    )
    desa = django_filters.CharFilter(label=_("Kode wilayah"), lookup_expr="startswith")
    date_from = DateFilter(
        label=_("Dari tanggal"),
        field_name="requested_at",
        lookup_expr="date__gte",
    )
    date_to = DateFilter(
        label=_("Sampai tanggal"),
        field_name="requested_at",
        lookup_expr="date__lte",
    )

    class Meta:
        model = DisbursementRequest
        fields = ["number", "programme", "fund", "status", "desa", "date_from", "date_to"]
