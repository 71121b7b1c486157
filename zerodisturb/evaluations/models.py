"""企业评价 and its bad-review loop: one evaluation per visit and enterprise, invitations, tickets.

The providers and agencies an evaluation counts for are the parties of its visit (a joint visit
counts for each); see selectors.evaluations_for.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.evaluations.choices import (
    BAD_LEVELS,
    COMPLETED_STATUSES,
    Burden,
    Level,
    RectificationStatus,
    Score,
)

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Evaluation(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("入企服务"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    enterprise = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="evaluations_given",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    level = models.PositiveSmallIntegerField(
        _("总体评价"), choices=Level.choices, validators=ONE_TO_FIVE
    )
    attitude = models.PositiveSmallIntegerField(
        _("服务态度"), choices=Score.choices, validators=ONE_TO_FIVE
    )
    professionalism = models.PositiveSmallIntegerField(
        _("专业水平"), choices=Score.choices, validators=ONE_TO_FIVE
    )
    code_shown = models.BooleanField(_("主动亮码"))
    officer_present = models.BooleanField(_("有政府工作人员陪同"))
    nothing_sold = models.BooleanField(_("未推销产品或服务"))
    burden = models.PositiveSmallIntegerField(
        _("企业负担（5 = 无负担 … 1 = 负担很重）"), choices=Burden.choices, validators=ONE_TO_FIVE
    )
    text = models.TextField(_("具体意见"), blank=True)
    submitted_at = models.DateTimeField(_("评价时间"), db_index=True)
    amended_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    amend_until = models.DateTimeField(_("可修改至"))

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("企业评价")
        verbose_name_plural = _("企业评价")
        constraints = [
            models.UniqueConstraint(fields=["visit", "enterprise"], name="evaluation_once"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="evaluation_level_1_5"
            ),
        ]
        indexes = [models.Index(fields=["county_code", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.visit.number} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def rules_kept(self) -> bool:
        return self.code_shown and self.officer_present and self.nothing_sold


class EvaluationInvitation(models.Model):
    """The worker's invitation to rate a checked-out visit, and its one reminder."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    visit = models.OneToOneField(
        "visits.Visit", on_delete=models.CASCADE, related_name="evaluation_invitation"
    )
    enterprise = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("邀请时间"))
    remind_at = models.DateTimeField(_("提醒时间"), db_index=True)
    # Claimed by the reminder job (conditional UPDATE … WHERE reminded_at IS NULL).
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)
    evaluation = models.OneToOneField(
        Evaluation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    class Meta:
        ordering = ["-invited_at", "-pk"]
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")

    def __str__(self) -> str:
        return f"{self.visit.number}"


class Rectification(models.Model):
    """整改单: a bad review's ticket to one provider of the visit, through its agency."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("整改单编号"), max_length=30, unique=True)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="rectifications"
    )
    visit = models.ForeignKey(
        "visits.Visit", on_delete=models.PROTECT, related_name="rectifications"
    )
    provider = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("第三方机构"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    agency = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托机关"),
        on_delete=models.PROTECT,
        related_name="rectifications_commissioned",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
        db_index=True,
    )
    due_on = models.DateField(_("整改期限"), db_index=True)
    due_estimated = models.BooleanField(default=False)
    opened_at = models.DateTimeField(_("发起时间"))
    answered_at = models.DateTimeField(_("机构答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cause = models.TextField(_("原因说明"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    callback_result = models.TextField(_("回访情况"), blank=True)
    responded_at = models.DateTimeField(_("企业确认时间"), null=True, blank=True)
    enterprise_accepts = models.BooleanField(_("企业认可"), null=True, blank=True)
    dispute_reason = models.TextField(_("争议理由"), blank=True)
    escalated_at = models.DateTimeField(_("提交司法局时间"), null=True, blank=True)
    decision = models.TextField(_("司法局处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When it reached ACCEPTED or CLOSED: on time when completed_at's date <= due_on.
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Claimed once by the deadlines worker when due_on passes before completion.
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("差评整改单")
        verbose_name_plural = _("差评整改单")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "provider"], name="rectification_per_provider"
            )
        ]
        indexes = [
            models.Index(fields=["provider", "opened_at"]),
            models.Index(fields=["agency", "opened_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_completed(self) -> bool:
        return self.status in COMPLETED_STATUSES

    @property
    def on_time(self) -> bool | None:
        """None while open; then whether it was completed by its due date."""
        if self.completed_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.completed_at).date() <= self.due_on
