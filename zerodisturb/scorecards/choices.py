from django.db import models
from django.utils.translation import gettext_lazy as _


class ExitStatus(models.TextChoices):
    WARNING = "warning", _("预警整改中")
    CLEARED = "cleared", _("已解除")
    PROPOSED = "proposed", _("拟退出（待司法局确认）")
    EXITED = "exited", _("已退出")
    REJECTED = "rejected", _("不予退出")


# A provider has at most one case in these states at a time.
OPEN_STATUSES = (ExitStatus.WARNING, ExitStatus.PROPOSED)


class Ground(models.TextChoices):
    """Which threshold a provider (or agency) crossed."""

    SATISFACTION = "satisfaction", _("满意率低于下限")
    COMPLAINTS = "complaints", _("查实投诉达到上限")
