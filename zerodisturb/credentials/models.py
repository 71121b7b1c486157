"""Unified numbered credentials (统一证件、编号) and the Ed25519 keys that sign the live QR codes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Credential(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("吊销")

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    number = models.CharField(_("证件编号"), max_length=20, unique=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("辅助人员"),
        on_delete=models.PROTECT,
        related_name="credentials",
    )
    provider = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("第三方机构"),
        on_delete=models.PROTECT,
        related_name="credentials",
    )
    contracts = models.ManyToManyField(
        "contracts.Contract", verbose_name=_("所属合同"), related_name="credentials"
    )
    scope = models.TextField(_("服务范围"))
    photo = models.ImageField(_("照片"), upload_to="credentials/photos/", blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    status_reason = models.CharField(_("暂停/吊销原因"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("辅助人员证件")
        verbose_name_plural = _("辅助人员证件")

    def __str__(self) -> str:
        return self.number


class SigningKey(models.Model):
    """An Ed25519 key for visit codes. New codes use the newest key; old keys verify until expiry."""

    kid = models.CharField(max_length=16, unique=True)
    private_key = models.TextField()  # encrypted with PII_KEY (registry.pii.encrypt)
    public_key = models.CharField(max_length=64)  # raw 32 bytes, urlsafe base64
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)  # stops signing; still verifies

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")

    def __str__(self) -> str:
        return self.kid
