"""The evaluation scale, its weights and the states of a bad-review rectification ticket."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# The brief's weighted score: 非常满意 100 … 非常不满意 20.
WEIGHTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}
# Satisfaction rate = (非常满意 + 满意) ÷ all evaluations.
SATISFIED_LEVELS = (5, 4)
# 不满意 and 非常不满意 are bad reviews: each opens a rectification ticket.
BAD_LEVELS = (2, 1)

# Anonymity threshold: a figure is shown to a provider, an agency or a locality only when at least
# this many evaluations stand behind it.
MIN_GROUP = 5


class Score(models.IntegerChoices):
    """Attitude and professionalism of the people who came in."""

    VERY_GOOD = 5, _("很好")
    GOOD = 4, _("较好")
    FAIR = 3, _("一般")
    POOR = 2, _("较差")
    VERY_POOR = 1, _("很差")


class Burden(models.IntegerChoices):
    """The burden the visit put on the enterprise: 5 is none, 1 is heavy."""

    NONE = 5, _("无负担")
    LIGHT = 4, _("负担较轻")
    SOME = 3, _("有一定负担")
    HEAVY = 2, _("负担较重")
    VERY_HEAVY = 1, _("负担很重")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待机构整改")
    ANSWERED = "answered", _("待机关回访")
    CALLED_BACK = "called_back", _("待企业确认")
    ACCEPTED = "accepted", _("企业认可（已办结）")
    ESCALATED = "escalated", _("争议（司法局处理中）")
    CLOSED = "closed", _("司法局已处理（已办结）")


COMPLETED_STATUSES = (RectificationStatus.ACCEPTED, RectificationStatus.CLOSED)
