"""What happens at and after the gate: every scan logged, findings and documents of the visit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerodisturb.visits.choices import FindingKind


class ScanLog(models.Model):
    """Every scan of a visit code, valid or not (forged, expired and replayed codes included)."""

    county_code = models.CharField(max_length=6, blank=True, db_index=True)
    visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="scans"
    )
    credential = models.ForeignKey(
        "credentials.Credential",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scans",
    )
    valid = models.BooleanField()
    code = models.CharField(max_length=30)
    message = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")

    def __str__(self) -> str:
        return f"{self.scanned_at:%Y-%m-%d %H:%M} {self.code}"


class VisitFinding(models.Model):
    """A risk alert or technical advice — never an enforcement conclusion."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("类别"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("内容"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("入企发现")
        verbose_name_plural = _("入企发现")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:20]}"


class VisitDocument(models.Model):
    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(upload_to="visits/%Y/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("入企资料")
        verbose_name_plural = _("入企资料")

    def __str__(self) -> str:
        return self.name
