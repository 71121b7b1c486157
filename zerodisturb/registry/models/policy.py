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

    class Meta:
        verbose_name = _("区县规则设置")
        verbose_name_plural = _("区县规则设置")

    def __str__(self) -> str:
        return self.county_code

    @classmethod
    def for_county(cls, county_code: str) -> "CountyPolicy":
        policy = cls.objects.filter(county_code=county_code).first()
        return policy or cls(county_code=county_code)
