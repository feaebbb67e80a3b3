import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import Posting, Transaction


class PostingFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        field_name="transaction__date",
        lookup_expr="gte",
        label=_("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="transaction__date",
        lookup_expr="lte",
        label=_("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
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
