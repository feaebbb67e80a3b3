"""Read-only admin: the ledger and its money rules change only through funds.services.

A fund's purpose and restrictions, money locations and the amil/running-cost
limits decide where money may go; changing them needs a service and an audit
entry, so the admin shows them and the staff screens change them.
"""

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
class FundAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "restriction", "is_active"]


@admin.register(MoneyLocation)
class MoneyLocationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "is_active"]


@admin.register(ShareLimit)
class ShareLimitAdmin(ReadOnlyAdmin):
    list_display = ["kind", "rate", "valid_from"]


admin.site.register(Transaction, ReadOnlyAdmin)
admin.site.register(Commitment, ReadOnlyAdmin)
admin.site.register(ClosedPeriod, ReadOnlyAdmin)
