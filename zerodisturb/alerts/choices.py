from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    REVIEW_OVERDUE = "review_overdue", _("联审逾期")
    FILING_OVERDUE = "filing_overdue", _("备案逾期")
    VISIT_NO_SCAN = "visit_no_scan", _("入企未亮码")
    CREDENTIAL_MISUSE = "credential_misuse", _("证件超期或超范围使用")
    FREQUENT_VISITS = "frequent_visits", _("企业入企频次超预警")
    PROVIDER_NEAR_EXIT = "provider_near_exit", _("机构临近退出线")
    EMERGENCY_OVERDUE = "emergency_overdue", _("紧急入企逾期未办结")
