import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from funds.models import Posting, Transaction


class PostingFilter(django_filters.FilterSet):
    date_from = DateFilter(
        field_name="transaction__date",
        lookup_expr="gte",
        label=_("Dari tanggal"),
    )
    date_to = DateFilter(
        field_name="transaction__date",
        lookup_expr="lte",
        label=_("Sampai tanggal"),
    )
    kind = django_filters.ChoiceFilter(
        field_name="transaction__kind", choices=Transaction.Kind.choices, label=_("Jenis")
    )
    programme = django_filters.CharFilter(
        field_name="transaction__programme", lookup_expr="iexact", label=_("Program")
    )

    class Meta:
        model = Posting
        fields: list[str] = []
