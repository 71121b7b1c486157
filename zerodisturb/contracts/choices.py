from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记未备案")
    FILED = "filed", _("已报备待审查")
    ACCEPTED = "accepted", _("备案通过")
    RETURNED = "returned", _("退回修改")


class VersionKind(models.TextChoices):
    ORIGINAL = "original", _("原合同")
    AMENDMENT = "amendment", _("变更")
