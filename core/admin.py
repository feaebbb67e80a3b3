from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry, Organisation, User
from core.permissions import has_mfa
from core.roles import Role
from core.services import user_roles_set


class UserChangeForm(BaseUserChangeForm):
    roles = forms.MultipleChoiceField(
        label=_("Peran"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta(BaseUserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["roles"] = list(
                self.instance.role_assignments.values_list("role", flat=True)
            )


class UserCreationForm(BaseUserCreationForm):
    roles = forms.MultipleChoiceField(
        label=_("Peran"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = ("email", "full_name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users and their roles; role changes go through the audited service."""

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Data diri"), {"fields": ("full_name",)}),
        (_("Hak"), {"fields": ("is_active", "roles")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2", "roles"),
            },
        ),
    )

    # Read-only here: inviting, roles, deactivation, e-mail and the second factor change
    # only through the Kenanga user screens, whose services refuse a non-admin, keep the
    # last active admin and write the audit chain. An editable admin page bypassed all three.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):  # pragma: no cover - no change permission
        super().save_model(request, obj, form, change)
        user_roles_set(user=obj, roles=form.cleaned_data.get("roles", []), actor=request.user)


def _unregister_account_admins() -> None:
    """E-mail addresses and authenticators are not edited in the Django admin either.

    Changing a user's address or deleting their TOTP there would take over an account
    with nothing in the audit chain; the MFA reset is an audited service.
    """
    import allauth.account.admin  # noqa: F401  (registers first, so it can be removed)
    import allauth.mfa.admin  # noqa: F401
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    for model in (EmailAddress, Authenticator):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_account_admins()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "legal_status", "pub_permit_number")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


# The Django admin logs in through allauth (so rate limits and TOTP apply) and
# refuses admins who have not set up TOTP yet, like every other staff page.
admin.site.login = secure_admin_login(admin.site.login)
_has_permission = admin.site.has_permission


def _has_permission_with_mfa(request):
    user = request.user
    if not _has_permission(request):
        return False
    return not user.needs_mfa or has_mfa(user)


admin.site.has_permission = _has_permission_with_mfa
admin.site.site_header = _("Administrasi Kenanga")
admin.site.site_title = "Kenanga"
