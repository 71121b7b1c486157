from django.contrib import admin

from zerodisturb.audit.admin_mixins import AuditedAdminMixin
from zerodisturb.registry.models import Division, Organisation, Person, ReviewDepartment


@admin.register(Division)
class DivisionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Browsing only: registry changes go through the service functions (and their audit)."""

    list_display = ("name", "kind", "credit_code", "county_code", "locality", "active")
    list_filter = ("kind", "is_agency", "is_judicial_bureau", "is_oversight", "sector")
    search_fields = ("name", "credit_code")
    exclude = ("contact_phone", "contact_phone_hash")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(OrganisationAdmin):
    list_display = ("name", "kind", "organisation", "active")
    list_filter = ("kind",)
    search_fields = ("name",)
    exclude = ("id_number", "id_hash", "phone", "phone_hash")


@admin.register(ReviewDepartment)
class ReviewDepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "county_code", "order", "is_lead", "active")
