"""Admin changes leave audit events too: the admin's save is already one transaction."""

from zerodisturb.audit.services import record_event


class AuditedAdminMixin:
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = f"{obj._meta.model_name}.{'admin_change' if change else 'admin_create'}"
        changed = {
            name: str(form.cleaned_data.get(name))
            for name in form.changed_data
            if name not in ("password", "password1", "password2")
        }
        record_event(request.user, action, obj, {"changed": changed})

    def delete_model(self, request, obj):
        record_event(request.user, f"{obj._meta.model_name}.admin_delete", obj, {"repr": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
