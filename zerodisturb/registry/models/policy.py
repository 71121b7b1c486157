from django.db import models
from django.utils.translation import gettext_lazy as _


class CountyPolicy(models.Model):
    """Per-county settings of the rules (defaults follow the brief); one row per county."""

    class Issuer(models.TextChoices):
        JUDICIAL = "judicial", _("司法局")
        AGENCY = "agency", _("委托机关")

    county_code = models.CharField(_("区县代码"), max_length=6, unique=True)
    visit_cap_per_year = models.PositiveSmallIntegerField(_("每机关每企业每年入企上限"), default=2)
    frequent_visits_per_quarter = models.PositiveSmallIntegerField(
        _("企业季度入企预警阈值（跨机关）"), default=4
    )
    officers_required = models.PositiveSmallIntegerField(_("至少陪同政府人员数"), default=1)
    joint_window_days = models.PositiveSmallIntegerField(_("综合查一次窗口（±天）"), default=14)
    credential_issuer = models.CharField(
        _("证件签发单位"), max_length=10, choices=Issuer.choices, default=Issuer.JUDICIAL
    )
    emergency_completion_days = models.PositiveSmallIntegerField(
        _("紧急入企补录期限（自然日）"), default=10
    )
    # 事后: evaluations, rectification, complaints (working days unless named otherwise).
    evaluation_reminder_days = models.PositiveSmallIntegerField(
        _("评价提醒（离场后自然日）"), default=3
    )
    evaluation_amend_days = models.PositiveSmallIntegerField(
        _("评价可修改期限（自然日）"), default=7
    )
    rectification_working_days = models.PositiveSmallIntegerField(
        _("差评整改期限（工作日）"), default=15
    )
    complaint_ack_days = models.PositiveSmallIntegerField(_("投诉受理期限（工作日）"), default=1)
    complaint_reply_days = models.PositiveSmallIntegerField(
        _("投诉首次答复期限（工作日）"), default=5
    )
    complaint_close_days = models.PositiveSmallIntegerField(_("投诉办结期限（工作日）"), default=15)
    # 不满意退出 thresholds, configured by the judicial bureau.
    exit_satisfaction_min = models.DecimalField(
        _("满意率下限（%）"), max_digits=5, decimal_places=2, default=85
    )
    exit_min_evaluations = models.PositiveSmallIntegerField(_("满意率考核最少评价数"), default=20)
    exit_substantiated_complaints = models.PositiveSmallIntegerField(
        _("12 个月查实投诉上限（达到即预警）"), default=3
    )
    exit_rectification_days = models.PositiveSmallIntegerField(
        _("预警整改期（自然日）"), default=30
    )
    exit_exclusion_years = models.PositiveSmallIntegerField(_("退出后禁入年限"), default=2)

    class Meta:
        verbose_name = _("区县规则设置")
        verbose_name_plural = _("区县规则设置")

    def __str__(self) -> str:
        return self.county_code

    @classmethod
    def for_county(cls, county_code: str) -> "CountyPolicy":
        policy = cls.objects.filter(county_code=county_code).first()
        return policy or cls(county_code=county_code)
