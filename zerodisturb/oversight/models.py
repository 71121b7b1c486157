"""KPI rollups: additive counts per day × agency × provider × locality × domain, and visits per
enterprise and month for the figures that are not additive (P95, high-frequency share).

The dashboard reads these tables, never the raw events; `rollups.refresh` keeps them up to date
from the audit trail (a watermark on its sequence number) and `rebuild_kpi_rollups` rebuilds them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class Counts(models.Model):
    """One source's counts for one county, bucket and combination of dimensions.

    Dimensions are plain ids (no foreign keys): a rollup row is a number, not a reference, and
    rebuilding must never be blocked by a protected relation. A dimension a source does not have
    is NULL (items have no provider or locality).
    """

    county_code = models.CharField(_("区县代码"), max_length=6)
    source = models.CharField(_("来源"), max_length=20)
    agency_id = models.BigIntegerField(_("委托机关"), null=True)
    provider_id = models.BigIntegerField(_("第三方机构"), null=True)
    locality_id = models.BigIntegerField(_("属地"), null=True)
    domain_id = models.BigIntegerField(_("领域"), null=True)

    # 事前
    items_submitted = _count(_("申报事项"))
    items_approved = _count(_("批准事项"))
    approved_budget = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    requested_budget = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    contracts_signed = _count(_("签订合同"))
    contracts_preapproved = _count(_("先批后签合同"))
    filings_due = _count(_("应备案版本"))
    filings_on_time = _count(_("按时备案版本"))
    # 事中
    visits = _count(_("入企次数"))
    visits_scanned = _count(_("有效亮码入企"))
    visits_officer = _count(_("有陪同入企"))
    visits_joint = _count(_("联合入企"))
    joins = _count(_("加入联合入企（少入企次数）"))
    # 事后
    eval_1 = _count(_("非常不满意"))
    eval_2 = _count(_("不满意"))
    eval_3 = _count(_("基本满意"))
    eval_4 = _count(_("满意"))
    eval_5 = _count(_("非常满意"))
    rect_due = _count(_("应完成整改"))
    rect_on_time = _count(_("按时整改"))
    complaints = _count(_("收到投诉"))
    complaints_substantiated = _count(_("查实投诉"))
    ack_due = _count(_("应受理"))
    ack_on_time = _count(_("按时受理"))
    reply_due = _count(_("应答复"))
    reply_on_time = _count(_("按时答复"))
    close_due = _count(_("应办结"))
    close_on_time = _count(_("按时办结"))

    class Meta:
        abstract = True


class KpiRollup(Counts):
    """Per day: the unit the worker recomputes."""

    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("指标日汇总")
        verbose_name_plural = _("指标日汇总")
        indexes = [models.Index(fields=["county_code", "day"])]

    def __str__(self) -> str:
        return f"{self.county_code} {self.day} {self.source}"


class KpiMonth(Counts):
    """Per month, summed from the days: what the dashboard reads (every period is whole months,
    so its cost depends on the number of agencies, providers and localities, not of visits)."""

    month = models.DateField(_("月份"))

    class Meta:
        verbose_name = _("指标月汇总")
        verbose_name_plural = _("指标月汇总")
        indexes = [models.Index(fields=["county_code", "month"])]

    def __str__(self) -> str:
        return f"{self.county_code} {self.month} {self.source}"


class EnterpriseVisitMonth(models.Model):
    """On-site visits to one enterprise in one month, by the dimensions of the dashboard."""

    county_code = models.CharField(_("区县代码"), max_length=6)
    month = models.DateField(_("月份"))
    enterprise_id = models.BigIntegerField(_("企业"))
    agency_id = models.BigIntegerField(null=True)
    provider_id = models.BigIntegerField(null=True)
    locality_id = models.BigIntegerField(null=True)
    domain_id = models.BigIntegerField(null=True)
    visits = _count(_("入企次数"))

    class Meta:
        verbose_name = _("企业月入企次数")
        verbose_name_plural = _("企业月入企次数")
        indexes = [models.Index(fields=["county_code", "month"])]

    def __str__(self) -> str:
        return f"{self.county_code} {self.month} {self.enterprise_id}"


class EnterpriseVisitPeriod(models.Model):
    """Visits per enterprise in one month, quarter or year, all agencies together: the per-enterprise
    figures of the unfiltered (or locality) view read at most one row per enterprise."""

    county_code = models.CharField(_("区县代码"), max_length=6)
    kind = models.CharField(max_length=7)  # month · quarter · year
    start = models.DateField(_("起始日"))
    enterprise_id = models.BigIntegerField(_("企业"))
    locality_id = models.BigIntegerField(null=True)
    visits = _count(_("入企次数"))
    # The most visits in one calendar quarter of the period (the high-frequency threshold is
    # per quarter).
    max_quarter = _count(_("单季度最多入企次数"))

    class Meta:
        verbose_name = _("企业期间入企次数")
        verbose_name_plural = _("企业期间入企次数")
        indexes = [models.Index(fields=["county_code", "kind", "start"])]

    def __str__(self) -> str:
        return f"{self.county_code} {self.kind} {self.start} {self.enterprise_id}"


class EnterpriseVisitHistogram(models.Model):
    """How many enterprises of a locality had `visits` visits in one month, quarter or year (and
    at most `max_quarter` in one quarter of it): the unfiltered per-enterprise figures (P95,
    high-frequency share) read a few rows per locality, however many enterprises the county has.
    Kept with EnterpriseVisitPeriod, from the same rows."""

    county_code = models.CharField(_("区县代码"), max_length=6)
    kind = models.CharField(max_length=7)  # month · quarter · year
    start = models.DateField(_("起始日"))
    locality_id = models.BigIntegerField(null=True)
    visits = _count(_("入企次数"))
    max_quarter = _count(_("单季度最多入企次数"))
    enterprises = _count(_("企业数"))

    class Meta:
        verbose_name = _("企业入企次数分布")
        verbose_name_plural = _("企业入企次数分布")
        indexes = [models.Index(fields=["county_code", "kind", "start"])]

    def __str__(self) -> str:
        return f"{self.county_code} {self.kind} {self.start} {self.visits}×{self.enterprises}"


class RollupState(models.Model):
    """The one watermark row: how far the rollups have read the audit trail, and when."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    audit_seq = models.BigIntegerField(default=0)
    # The day "overdue" was last judged against; clocks that ran out since then are re-counted.
    as_of = models.DateField(null=True)
    scans_until = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("指标汇总水位")
        verbose_name_plural = _("指标汇总水位")

    def __str__(self) -> str:
        return f"seq {self.audit_seq} @ {self.refreshed_at}"
