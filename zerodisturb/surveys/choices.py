from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("编辑中")
    SENDING = "sending", _("发送中")
    OPEN = "open", _("回收中")
    CLOSED = "closed", _("已结束")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SATISFACTION = "satisfaction", _("满意度（五级）")
    TEXT = "text", _("文字")


# The brief's five levels, best first; the first two are "satisfied".
SATISFACTION_OPTIONS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
SATISFIED_OPTIONS = (0, 1)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
