import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Tindakan"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("Jenis objek"), lookup_expr="icontains")
    actor = django_filters.CharFilter(
        label=_("Pelaku (e-mail)"), field_name="actor_label", lookup_expr="icontains"
    )
    date_from = django_filters.DateFilter(
        label=_("Dari tanggal"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Sampai tanggal"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "actor", "date_from", "date_to"]
