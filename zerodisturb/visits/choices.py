from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    PLANNED = "planned", _("计划内入企")
    COMPLAINT = "complaint", _("投诉核查")
    RECTIFICATION = "rectification", _("整改复查")
    ENTERPRISE_REQUEST = "enterprise_request", _("企业申请")
    EMERGENCY = "emergency", _("紧急情况")


# Triggered visits are logged and shown but do not count against the yearly cap.
EXEMPT_KINDS = (
    VisitKind.COMPLAINT,
    VisitKind.RECTIFICATION,
    VisitKind.ENTERPRISE_REQUEST,
    VisitKind.EMERGENCY,
)


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    IN_PROGRESS = "in_progress", _("服务中")
    COMPLETED = "completed", _("已离场")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_STATUSES = (
    VisitStatus.PLANNED,
    VisitStatus.IN_PROGRESS,
    VisitStatus.COMPLETED,
    VisitStatus.CLOSED,
)


class FindingKind(models.TextChoices):
    RISK_ALERT = "risk_alert", _("风险提示")
    TECHNICAL_ADVICE = "technical_advice", _("技术建议")
