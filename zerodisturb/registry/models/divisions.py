from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.registry.choices import DivisionLevel


class Division(models.Model):
    """An administrative division (GB/T 2260): province, city, county, or a town/street/platform."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("级别"), max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    county_code = models.CharField(_("所属区县代码"), max_length=6, blank=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def is_locality(self) -> bool:
        return self.level in (DivisionLevel.STREET, DivisionLevel.TOWN, DivisionLevel.PLATFORM)
