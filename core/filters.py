import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import DateFilter
from core.models import AuditEntry, User


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


class UserFilter(django_filters.FilterSet):
    """Filter the user list by role, active or not, and whether TOTP is set up."""

    q = django_filters.CharFilter(label=_("Nama atau e-mail"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Peran"), field_name="role_assignments__role", distinct=True, choices=()
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="is_active",
        choices=(("1", _("Aktif")), ("0", _("Nonaktif"))),
        method="yes_no",
        empty_label=_("Semua"),
    )
    mfa = django_filters.ChoiceFilter(
        label=_("Verifikasi dua langkah"),
        field_name="has_totp",
        choices=(("1", _("Terpasang")), ("0", _("Belum"))),
        method="yes_no",
        empty_label=_("Semua"),
    )

    class Meta:
        model = User
        fields = ["q", "role", "active", "mfa"]

    def __init__(self, *args, **kwargs):
        from core.roles import Role

        super().__init__(*args, **kwargs)
        self.filters["role"].extra["choices"] = Role.choices
        self.filters["role"].extra["empty_label"] = _("Semua peran")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))

    def yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "1"})
