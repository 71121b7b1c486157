from django.contrib import admin

from zerodisturb.audit.admin_mixins import AuditedAdminMixin
from zerodisturb.complaints.models import Complaint, ComplaintEntry


class EntryInline(admin.TabularInline):
    model = ComplaintEntry
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "text", "author", "organisation", "at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: complaints change only through the services (each change is audited there)."""

    list_display = ("number", "status", "routed_to", "provider", "agency", "received_at")
    list_filter = ("status", "channel", "county_code")
    search_fields = ("number",)
    inlines = [EntryInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
