from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintChannel(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC = "public", _("社会公众")


class ComplaintCategory(models.TextChoices):
    ATTITUDE = "attitude", _("态度作风")
    NO_CREDENTIAL = "no_credential", _("未亮码、无证入企")
    SELLING = "selling", _("推销或指定服务")
    FREQUENCY = "frequency", _("频繁入企、重复检查")
    OVERREACH = "overreach", _("越权执法（出具结论、处罚建议）")
    BURDEN = "burden", _("增加企业负担")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ACKNOWLEDGED = "acknowledged", _("已受理")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结（待确认）")
    CONFIRMED = "confirmed", _("投诉人已确认")
    REOPENED = "reopened", _("投诉人不认可（重新办理）")


# The handling organisation still has work to do in these states.
OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.REPLIED,
    ComplaintStatus.REOPENED,
)
# States in which the handler may reply to the complainant, and decide.
HANDLING_STATUSES = (
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.REPLIED,
    ComplaintStatus.REOPENED,
)


class EntryKind(models.TextChoices):
    RECEIVED = "received", _("收到投诉")
    ROUTED = "routed", _("转办")
    ACKNOWLEDGED = "acknowledged", _("受理")
    REPLY = "reply", _("答复投诉人")
    PROVIDER_REQUESTED = "provider_requested", _("请第三方机构陈述意见")
    PROVIDER_REPLY = "provider_reply", _("第三方机构陈述意见")
    DECISION = "decision", _("认定")
    CLOSED = "closed", _("办结")
    CONFIRMED = "confirmed", _("投诉人确认")
    REOPENED = "reopened", _("投诉人不认可")
    RATED = "rated", _("投诉人评价")
    ESCALATED = "escalated", _("升级督办")


class Clock(models.TextChoices):
    """The three handling clocks, each escalated once when it runs out."""

    ACKNOWLEDGE = "ack", _("受理")
    REPLY = "reply", _("首次答复")
    CLOSE = "close", _("办结")
