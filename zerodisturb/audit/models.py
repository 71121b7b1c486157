"""The append-only, hash-chained audit trail (全过程可查可溯)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.audit.fields import CanonicalJSONField

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计事件只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计事件只能追加，不能删除")

    _raw_delete = delete


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as plain values so that the chain never depends on rows outside this table.
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(_("单位ID"), null=True, blank=True, db_index=True)
    organisation_label = models.CharField(_("单位"), max_length=200, blank=True)
    county_code = models.CharField(_("区县代码"), max_length=6, blank=True, db_index=True)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_number = models.CharField(_("编号"), max_length=64, blank=True, db_index=True)
    payload = CanonicalJSONField(_("变更内容"), default=dict, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"#{self.seq} {self.action} {self.object_type}:{self.object_number or self.object_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计事件只能追加，不能删除")


class ChainHead(models.Model):
    """One row per chain: the last sequence number and hash. Locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.last_hash[:12]}"
