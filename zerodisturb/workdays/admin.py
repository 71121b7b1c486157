from django.contrib import admin

from zerodisturb.audit.admin_mixins import AuditedAdminMixin
from zerodisturb.workdays.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
