"""Read-only admin: the ledger is written only through funds.services."""

from django.contrib import admin

from funds.models import ClosedPeriod, Commitment, Fund, MoneyLocation, ShareLimit, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "restriction", "is_active"]
    readonly_fields = ["code", "restriction"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MoneyLocation)
class MoneyLocationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    readonly_fields = ["code"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShareLimit)
class ShareLimitAdmin(admin.ModelAdmin):
    list_display = ["kind", "rate", "valid_from"]


admin.site.register(Transaction, ReadOnlyAdmin)
admin.site.register(Commitment, ReadOnlyAdmin)
admin.site.register(ClosedPeriod, ReadOnlyAdmin)
