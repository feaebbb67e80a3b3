from django.contrib import admin

from beneficiaries.models import CriteriaSet, Criterion, Region


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    """Criteria sets are configured here: add a new version rather than edit a used one."""

    list_display = ("name", "code", "version", "min_met", "active")
    list_filter = ("active",)
    inlines = [CriterionInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
