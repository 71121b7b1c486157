"""The problem pool (问题池): one row per problem from any channel, kept in step by its source.

A bad-review rectification, a complaint or an alert owns its own record and rules; each time its
state changes, the source's service calls `problems.services.sync_problem` in the same
transaction, so this table is a faithful, filterable index of everything open, with its owner and
deadline. The history of a problem is the audit trail of its source object.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemKind(models.TextChoices):
    BAD_REVIEW = "bad_review", _("差评整改")
    COMPLAINT = "complaint", _("投诉")
    ALERT = "alert", _("预警")


class ProblemState(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    ESCALATED = "escalated", _("已升级")
    CLOSED = "closed", _("已办结")


OPEN_STATES = (ProblemState.OPEN, ProblemState.IN_PROGRESS, ProblemState.ESCALATED)


class ConcernedParties(models.Model):
    """Whom a problem or an alert concerns: the filters of the pool and of the alert list."""

    agency = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("第三方机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The enterprise's town or platform (a division), as on Organisation.locality.
    locality = models.ForeignKey(
        "registry.Division",
        verbose_name=_("属地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class Problem(ConcernedParties):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    kind = models.CharField(_("来源"), max_length=12, choices=ProblemKind.choices)
    # The source record: "<app_label>.<model>" and its primary key.
    source_type = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    number = models.CharField(_("编号"), max_length=40, blank=True)
    title = models.CharField(_("问题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    # The source's own, finer status label (e.g. "待机关回访"), shown next to the state.
    stage = models.CharField(_("环节"), max_length=40, blank=True)
    owner = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("期限"), null=True, blank=True)
    link = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(_("发现时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题池")
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], name="problem_per_source")
        ]
        indexes = [
            models.Index(fields=["county_code", "state", "deadline"]),
            models.Index(fields=["county_code", "kind", "opened_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ProblemStep(models.Model):
    """One change of a problem's stage or owner, as the pool saw it: its readable history."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(_("状态"), max_length=12, choices=ProblemState.choices)
    stage = models.CharField(_("环节"), max_length=40, blank=True)
    owner = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("期限"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["problem", "at", "pk"]
        verbose_name = _("问题办理经过")
        verbose_name_plural = _("问题办理经过")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.stage or self.get_state_display()}"
