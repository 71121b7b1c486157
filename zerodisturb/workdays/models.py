"""Holidays and adjusted working days (调休) kept as data, for years chinese-calendar does not know."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An override for one date: a holiday on a weekday, or a working weekend day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(
        _("说明"), max_length=60, blank=True, help_text=_("如：国庆节、国庆调休")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日/调休")
        verbose_name_plural = _("节假日/调休")

    def __str__(self) -> str:
        kind = _("工作日") if self.is_working_day else _("休息日")
        return f"{self.date} {kind} {self.name}"
