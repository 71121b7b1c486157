from django.contrib import admin

from zerodisturb.audit.admin_mixins import AuditedAdminMixin
from zerodisturb.scorecards.models import ExitCase


@admin.register(ExitCase)
class ExitCaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: a case moves only through the services (worker, reply, confirm, reject)."""

    list_display = ("number", "provider", "status", "warned_at", "rectify_until", "decided_at")
    list_filter = ("status", "county_code")
    search_fields = ("number", "provider__name")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
