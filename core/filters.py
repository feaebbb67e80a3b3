import django_filters
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.models import AuditEntry


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Tindakan"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("Jenis objek"), lookup_expr="icontains")
    actor = django_filters.CharFilter(
        label=_("Pelaku (e-mail)"), field_name="actor_label", lookup_expr="icontains"
    )
    date_from = DateFilter(
        label=_("Dari tanggal"),
        field_name="at",
        lookup_expr="date__gte",
    )
    date_to = DateFilter(
        label=_("Sampai tanggal"),
        field_name="at",
        lookup_expr="date__lte",
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "actor", "date_from", "date_to"]
