from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerodisturb.registry.choices import PersonKind
from zerodisturb.registry.pii import EncryptedTextField, mask_id_number, mask_name, mask_phone


class Person(models.Model):
    """A provider's staff member (辅助人员) or a government officer; ID and phone stored encrypted."""

    county_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    kind = models.CharField(_("人员类别"), max_length=10, choices=PersonKind.choices)
    name = models.CharField(_("姓名"), max_length=40)
    id_number = EncryptedTextField(_("身份证号码"))
    id_hash = models.CharField(max_length=64)
    phone = EncryptedTextField(_("手机号码"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    title = models.CharField(_("职务/岗位"), max_length=60, blank=True)
    active = models.BooleanField(_("在职"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=~Q(id_hash=""), name="person_unique_id_hash"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)
