"""What the judicial bureau configures: domains of commissioned items and the negative list."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.commissioning.choices import NegativeCategory


class Domain(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["county_code", "order", "name"]
        verbose_name = _("委托领域")
        verbose_name_plural = _("委托领域")
        constraints = [models.UniqueConstraint(fields=["county_code", "code"], name="domain_once")]

    def __str__(self) -> str:
        return self.name


class NegativeRule(models.Model):
    """One entry of the negative list: content that is enforcement itself, with why and which rule."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    category = models.CharField(_("类别"), max_length=20, choices=NegativeCategory.choices)
    keywords = models.TextField(_("关键词"), help_text=_("每行一个；任一出现在事项内容中即拒绝"))
    reason = models.CharField(_("拒绝理由"), max_length=300)
    rule_ref = models.CharField(_("依据条款"), max_length=200)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["county_code", "category", "pk"]
        verbose_name = _("负面清单条目")
        verbose_name_plural = _("负面清单")

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.reason}"

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in re.split(r"[\n,，、;；]+", self.keywords) if k.strip()]
