import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Complaint, Household, Region, Registration
from beneficiaries.selectors import household_search


def _yes_no_all():
    """A yes/no filter whose empty choice reads "all" (the default said "Unknown")."""
    return forms.Select(choices=[("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))])


class HouseholdFilter(django_filters.FilterSet):
    """Search by NIK/KK (exact, keyed hash), name (part) and village or district code."""

    q = django_filters.CharFilter(label=_("NIK, nomor KK atau nama"), method="filter_q")
    village = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        method="filter_village",
    )
    list_source = django_filters.ChoiceFilter(
        label=_("Daftar nasional"), choices=Household._meta.get_field("list_source").choices
    )

    class Meta:
        model = Household
        fields = ["q", "village", "list_source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = Household.objects.values_list("village__parent", flat=True).distinct()
        self.filters["village"].queryset = Region.objects.filter(code__in=used)
        self.form.fields["village"].queryset = self.filters["village"].queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(pk__in=household_search(q=value).values("pk"))

    def filter_village(self, queryset, name, value):
        return queryset.filter(village__code__startswith=value.code)


class ComplaintFilter(django_filters.FilterSet):
    reference = django_filters.CharFilter(label=_("Nomor"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=Complaint.Kind.choices)
    open = django_filters.BooleanFilter(
        label=_("Belum dijawab"),
        field_name="answered_at",
        lookup_expr="isnull",
        widget=_yes_no_all(),
    )

    class Meta:
        model = Complaint
        fields = ["reference", "kind", "open"]


class DecisionQueueFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), queryset=Region.objects.none(), method="filter_district"
    )
    matched_national_list = django_filters.BooleanFilter(
        label=_("Ada di daftar nasional"), widget=_yes_no_all()
    )

    class Meta:
        model = Registration
        fields = ["district", "matched_national_list"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = self.queryset.values_list("household__village__parent", flat=True).distinct()
        self.filters["district"].queryset = Region.objects.filter(code__in=used)
        self.form.fields["district"].queryset = self.filters["district"].queryset

    def filter_district(self, queryset, name, value):
        return queryset.filter(household__village__code__startswith=value.code)
