from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from zerodisturb.accounts.models import ApiToken, User
from zerodisturb.audit.admin_mixins import AuditedAdminMixin


@admin.register(User)
class ZdUserAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "display_name", "role", "organisation", "is_active", "locked_until")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "organisation__name")
    fieldsets = UserAdmin.fieldsets + (
        (
            "零扰企",
            {
                "fields": (
                    "display_name",
                    "role",
                    "organisation",
                    "person",
                    "failed_logins",
                    "locked_until",
                )
            },
        ),
    )
    raw_id_fields = ("organisation", "person")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
