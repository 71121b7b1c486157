from django.contrib import admin

from zerodisturb.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, even for system admins."""

    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_number")
    list_filter = ("action", "object_type")
    search_fields = ("object_number", "actor_label", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
