from django.contrib import admin

from beneficiaries.models import CriteriaSet, Criterion, Region


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    """Read-only: a criteria set changes by a new version (criteria_set_new_version), audited.

    Visits point at the version they were scored with; editing a set here
    would silently change the basis of decisions already made.
    """

    list_display = ("name", "code", "version", "min_met", "active")
    list_filter = ("active",)
    inlines = [CriterionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
