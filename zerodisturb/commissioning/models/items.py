"""Commissioned items (委托事项), their versions and the joint-review votes on each version."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from zerodisturb.commissioning.choices import Decision, ItemStatus

S = ItemStatus


class CommissionedItem(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("事项编号"), max_length=30, unique=True)
    agency = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托机关"),
        on_delete=models.PROTECT,
        related_name="commissioned_items",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, db_index=True)
    current_version = models.ForeignKey(
        "commissioning.ItemVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_budget = models.DecimalField(
        _("批准预算（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_due_on = models.DateField(_("联审截止日"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("审结时间"), null=True, blank=True, db_index=True)
    merge_with = models.ForeignKey(
        "self",
        verbose_name=_("建议合并至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_in",
    )
    merge_note = models.CharField(_("合并说明"), max_length=300, blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("委托事项")
        verbose_name_plural = _("委托事项")
        indexes = [models.Index(fields=["county_code", "status"])]

    def __str__(self) -> str:
        title = self.current_version.title if self.current_version_id else ""
        return f"{self.number} {title}"

    @property
    def is_approved(self) -> bool:
        return self.status in (S.APPROVED, S.APPROVED_REDUCED)

    # The state machine. Services call these inside their transaction and write the audit event.
    @transition(status, source=[S.DRAFT], target=S.SUBMITTED)
    def submit(self):
        pass

    @transition(status, source=[S.SUBMITTED], target=S.UNDER_REVIEW)
    def start_review(self):
        pass

    @transition(status, source=[S.SUBMITTED, S.UNDER_REVIEW], target=S.APPROVED)
    def approve(self):
        pass

    @transition(status, source=[S.SUBMITTED, S.UNDER_REVIEW], target=S.APPROVED_REDUCED)
    def approve_reduced(self):
        pass

    @transition(status, source=[S.SUBMITTED, S.UNDER_REVIEW], target=S.REJECTED)
    def reject(self):
        pass

    @transition(status, source=[S.REJECTED], target=S.DRAFT)
    def revise(self):
        pass

    @transition(
        status, source=[S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED], target=S.WITHDRAWN
    )
    def withdraw(self):
        pass


class ItemVersion(models.Model):
    """What the agency applied for; a resubmission after rejection is a new version."""

    item = models.ForeignKey(CommissionedItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    domain = models.ForeignKey(
        "commissioning.Domain", verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("事项名称"), max_length=120)
    content = models.TextField(_("服务内容"))
    legal_basis = models.TextField(_("法律依据"))
    why_external = models.TextField(_("无法自行完成的理由"))
    target_enterprises = models.ManyToManyField(
        "registry.Organisation", verbose_name=_("目标企业"), blank=True, related_name="+"
    )
    target_sectors = models.JSONField(_("目标行业"), default=list, blank=True)
    target_localities = models.ManyToManyField(
        "registry.Division", verbose_name=_("目标属地"), blank=True, related_name="+"
    )
    period_start = models.DateField(_("服务期起"))
    period_end = models.DateField(_("服务期止"))
    requested_budget = models.DecimalField(_("申请预算（元）"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "version"]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="item_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item.number} v{self.version}"


class Review(models.Model):
    """One department's vote on one version; created pending at submission."""

    item = models.ForeignKey(CommissionedItem, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="reviews")
    department = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("联审部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_lead = models.BooleanField(_("牵头"), default=False)
    order = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(
        _("意见"), max_length=12, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )
    approved_amount = models.DecimalField(
        _("核定金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    opinion = models.TextField(_("书面意见"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("截止日"), db_index=True)
    due_estimated = models.BooleanField(default=False)
    decided_at = models.DateTimeField(_("表决时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "version", "order"]
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        constraints = [
            models.UniqueConstraint(fields=["version", "department"], name="one_vote_per_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.item.number} {self.department}: {self.get_decision_display()}"

    @property
    def amount_for_outcome(self) -> Decimal | None:
        if self.decision == Decision.APPROVE:
            return self.version.requested_budget
        if self.decision == Decision.APPROVE_CUT:
            return self.approved_amount
        return None
