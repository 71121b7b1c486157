from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerodisturb.registry.choices import OrganisationKind, Sector
from zerodisturb.registry.pii import EncryptedTextField, mask_phone


class Organisation(models.Model):
    """Every party that acts in the system: government bodies, providers, enterprises, localities."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    kind = models.CharField(_("类别"), max_length=12, choices=OrganisationKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # Capabilities of a government body; reviewing departments are configured in ReviewDepartment.
    is_agency = models.BooleanField(_("委托机关"), default=False)
    is_judicial_bureau = models.BooleanField(_("司法行政部门"), default=False)
    is_oversight = models.BooleanField(_("监督部门"), default=False)
    locality = models.ForeignKey(
        "registry.Division",
        verbose_name=_("属地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    qualifications = models.TextField(_("资质"), blank=True)
    active = models.BooleanField(_("有效"), default=True)
    # 不满意退出: set when the judicial bureau confirms a provider's exit; no new contract may
    # name the provider before excluded_until.
    exited_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    excluded_until = models.DateField(_("禁入截止日"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["county_code", "kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="org_unique_credit_code"
            ),
        ]
        indexes = [
            models.Index(fields=["county_code", "kind", "name"]),
            models.Index(fields=["locality", "kind"]),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)


class ReviewDepartment(models.Model):
    """A seat on a county's joint-review panel (联审部门); the list is configurable per county."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="review_seats"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_lead = models.BooleanField(_("牵头部门"), default=False)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["county_code", "order"]
        verbose_name = _("联审部门")
        verbose_name_plural = _("联审部门")
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "organisation"], name="review_seat_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)
