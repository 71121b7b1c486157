"""Alerts (预警): one row per (kind, subject) while open, each occurrence it covers recorded.

The worker finds conditions (an overdue review, a visit without a valid code …); each one is an
occurrence keyed by (kind, subject, key). An occurrence is recorded once, ever, so a closed alert
does not come back for the same occurrence; a new occurrence of an open alert's subject is folded
into it, and one after closing opens a new alert.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.problems.models import ConcernedParties


class Alert(ConcernedParties):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("预警编号"), max_length=30, unique=True)
    kind = models.CharField(_("类别"), max_length=24, choices=AlertKind.choices)
    # The record the alert is about: "<app_label>.<model>" and its primary key.
    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    subject_label = models.CharField(_("对象"), max_length=120)
    subject_link = models.CharField(max_length=300, blank=True)
    title = models.CharField(_("预警"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    owner = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("发现时间"), db_index=True)
    last_seen_at = models.DateTimeField(_("最近发现"))
    occurrences = models.PositiveIntegerField(_("发现次数"), default=1)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(closed_at__isnull=True),
                name="alert_open_once_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["county_code", "kind", "opened_at"]),
            models.Index(fields=["owner", "closed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AlertOccurrence(models.Model):
    """One occurrence of a condition (e.g. a quarter above the threshold); recorded once, ever."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="seen")
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    key = models.CharField(max_length=40, blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["alert", "seen_at", "pk"]
        verbose_name = _("预警发现记录")
        verbose_name_plural = _("预警发现记录")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "key"], name="alert_occurrence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}#{self.subject_id} {self.key}"
