"""Admin: requests, payments and proof change only through disbursements.services.

The approval policy and the programme rules are settings an admin edits here;
a rule change is made by adding a version with a later start date.
"""

from django.contrib import admin

from disbursements.models import (
    Batch,
    DisbursementRequest,
    Evidence,
    Payment,
    Policy,
    ProgrammeRule,
)
from funds.admin import ReadOnlyAdmin


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["second_approval_above", "open_too_long_days", "updated_at"]

    def has_add_permission(self, request):
        return not Policy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgrammeRule)
class ProgrammeRuleAdmin(admin.ModelAdmin):
    list_display = ["programme", "valid_from", "min_amount", "max_amount", "frequency"]
    list_filter = ["programme"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # A version already used by requests is history: add a new version instead.
        if obj is not None and obj.requests.exists():
            return [f.name for f in obj._meta.fields] + ["allowed_funds"]
        return []


@admin.register(DisbursementRequest)
class DisbursementRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "programme", "fund", "amount", "status"]
    list_filter = ["status", "programme"]
    exclude = ["payee_account"]


admin.site.register(Payment, ReadOnlyAdmin)
admin.site.register(Evidence, ReadOnlyAdmin)
admin.site.register(Batch, ReadOnlyAdmin)
