"""不满意退出: one ExitCase per episode of a provider below the thresholds, warning to decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerodisturb.scorecards.choices import OPEN_STATUSES, ExitStatus


class ExitCase(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    provider = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("第三方机构"),
        on_delete=models.PROTECT,
        related_name="exit_cases",
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ExitStatus.choices,
        default=ExitStatus.WARNING,
        db_index=True,
    )
    # Which thresholds were crossed, in words without personal data (shown on the public list).
    grounds = models.CharField(_("预警事由"), max_length=300)
    warned_at = models.DateTimeField(_("预警时间"))
    warning_figures = models.JSONField(_("预警时指标"), default=dict)
    rectify_until = models.DateField(_("整改期限"), db_index=True)
    provider_reply = models.TextField(_("机构陈述申辩"), blank=True)
    replied_at = models.DateTimeField(_("申辩时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Claimed once by the worker when the rectification period has run out.
    assessed_at = models.DateTimeField(_("期满评估时间"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("拟退出时间"), null=True, blank=True)
    proposal_figures = models.JSONField(_("拟退出时指标"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    exited_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    excluded_until = models.DateField(_("禁入截止日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-warned_at", "-pk"]
        verbose_name = _("不满意退出案件")
        verbose_name_plural = _("不满意退出案件")
        constraints = [
            models.UniqueConstraint(
                fields=["provider"],
                condition=Q(status__in=OPEN_STATUSES),
                name="exit_case_one_open_per_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
