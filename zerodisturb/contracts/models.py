"""Contracts signed under approved items, and their filing (备案) with the judicial bureau.

A contract is a number and its parties; its terms live in versions (the original, then each
amendment), and each version is filed and accepted or returned on its own. The accepted version
is what is in force.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from zerodisturb.contracts.choices import FilingStatus, VersionKind

F = FilingStatus


class Contract(models.Model):
    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("合同编号"), max_length=30, unique=True)
    item = models.ForeignKey(
        "commissioning.CommissionedItem",
        verbose_name=_("委托事项"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    agency = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("委托机关"),
        on_delete=models.PROTECT,
        related_name="agency_contracts",
    )
    provider = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("第三方机构"),
        on_delete=models.PROTECT,
        related_name="provider_contracts",
    )
    current_version = models.ForeignKey(
        "contracts.ContractVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_version = models.ForeignKey(
        "contracts.ContractVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("委托合同")
        verbose_name_plural = _("委托合同")

    def __str__(self) -> str:
        return self.number

    def in_force(self, on=None) -> bool:
        """Filed, accepted, not ended and within its accepted term: it may send staff in."""
        on = on or timezone.localdate()
        v = self.accepted_version
        return bool(v and not self.ended_at and v.term_start <= on <= v.term_end)


class ContractVersion(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    kind = models.CharField(_("类型"), max_length=10, choices=VersionKind.choices)
    amount = models.DecimalField(_("合同金额（元）"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("签订日期"), db_index=True)
    term_start = models.DateField(_("履行期起"))
    term_end = models.DateField(_("履行期止"))
    scope = models.TextField(_("服务范围"))
    staff = models.ManyToManyField(
        "registry.Person", verbose_name=_("辅助人员"), blank=True, related_name="contract_versions"
    )
    no_subentrustment = models.BooleanField(_("承诺不转委托"), default=False)
    pdf = models.FileField(_("合同扫描件（PDF）"), upload_to="contracts/%Y/")
    pdf_sha256 = models.CharField(max_length=64)
    change_note = models.CharField(_("变更说明"), max_length=300, blank=True)
    filing_status = FSMField(_("备案状态"), default=F.RECORDED, choices=F.choices, db_index=True)
    filing_due_on = models.DateField(_("备案截止日"), db_index=True)
    filing_due_estimated = models.BooleanField(default=False)
    filed_at = models.DateTimeField(_("报备时间"), null=True, blank=True)
    first_filed_at = models.DateTimeField(_("首次报备时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "version"]
        verbose_name = _("合同版本")
        verbose_name_plural = _("合同版本")
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="contract_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} v{self.version}"

    @property
    def filed_on_time(self) -> bool | None:
        if self.first_filed_at is None:
            return None
        return timezone.localdate(self.first_filed_at) <= self.filing_due_on

    @transition(filing_status, source=[F.RECORDED, F.RETURNED], target=F.FILED)
    def file(self):
        pass

    @transition(filing_status, source=[F.FILED], target=F.ACCEPTED)
    def accept(self):
        pass

    @transition(filing_status, source=[F.FILED], target=F.RETURNED)
    def send_back(self):
        pass
