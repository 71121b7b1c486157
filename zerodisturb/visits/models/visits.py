"""Visits into enterprises (入企服务): one entry, possibly joint (综合查一次), with its parties."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.visits.choices import EXEMPT_KINDS, VisitKind, VisitStatus


class VisitPlan(models.Model):
    """An agency's visit plan for a year, approved by the judicial bureau."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    agency = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托机关"),
        on_delete=models.PROTECT,
        related_name="visit_plans",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=120)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "agency"]
        verbose_name = _("入企计划")
        verbose_name_plural = _("入企计划")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Visit(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("入企编号"), max_length=30, unique=True)
    enterprise = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=VisitKind.choices)
    reason = models.TextField(_("触发原因"), blank=True)
    plan = models.ForeignKey(
        VisitPlan,
        verbose_name=_("入企计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    purpose = models.TextField(_("服务内容"))
    window_start = models.DateTimeField(_("计划开始"), db_index=True)
    window_end = models.DateTimeField(_("计划结束"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=VisitStatus.choices,
        default=VisitStatus.PLANNED,
        db_index=True,
    )
    checked_in_at = models.DateTimeField(_("到场确认时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("离场确认时间"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_scan_at = models.DateTimeField(_("首次有效亮码时间"), null=True, blank=True)
    completion_due_on = models.DateField(_("补录截止日"), null=True, blank=True, db_index=True)
    # Set once by the deadlines worker when an emergency visit passes completion_due_on open.
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    cancelled_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-window_start", "-pk"]
        verbose_name = _("入企服务")
        verbose_name_plural = _("入企服务")
        indexes = [models.Index(fields=["enterprise", "window_start"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_exempt(self) -> bool:
        return self.kind in EXEMPT_KINDS

    @property
    def is_joint(self) -> bool:
        return self.parties.count() > 1


class VisitParty(models.Model):
    """One agency taking part in a visit, under one of its contracts (the first is the lead)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="parties")
    agency = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="visit_parties"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="visit_parties"
    )
    is_lead = models.BooleanField(default=False)
    # Denormalised for the frequency check: counted against this agency's yearly cap?
    counts_for_cap = models.BooleanField(default=True)
    year = models.PositiveSmallIntegerField(db_index=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit", "-is_lead", "pk"]
        constraints = [models.UniqueConstraint(fields=["visit", "agency"], name="party_once")]
        indexes = [models.Index(fields=["agency", "year"])]

    def __str__(self) -> str:
        return f"{self.visit.number} {self.agency}"


class VisitStaff(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="staff")
    party = models.ForeignKey(VisitParty, on_delete=models.CASCADE, related_name="staff")
    credential = models.ForeignKey(
        "credentials.Credential", on_delete=models.PROTECT, related_name="visit_assignments"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "credential"], name="staff_once")]

    def __str__(self) -> str:
        return f"{self.visit.number} {self.credential.number}"


class VisitOfficer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="officers")
    party = models.ForeignKey(VisitParty, on_delete=models.CASCADE, related_name="officers")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "person"], name="officer_once")]

    def __str__(self) -> str:
        return f"{self.visit.number} {self.person}"
