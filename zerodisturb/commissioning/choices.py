from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("联审中")
    APPROVED = "approved", _("已批准")
    APPROVED_REDUCED = "approved_reduced", _("核减后批准")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


APPROVED_STATUSES = (ItemStatus.APPROVED, ItemStatus.APPROVED_REDUCED)
OPEN_STATUSES = (ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW)
# Items that count as "current" for the overlap check.
CURRENT_STATUSES = (*OPEN_STATUSES, *APPROVED_STATUSES)


class Decision(models.TextChoices):
    PENDING = "pending", _("待审")
    APPROVE = "approve", _("同意")
    APPROVE_CUT = "approve_cut", _("核减预算后同意")
    REJECT = "reject", _("不同意")
    CLOSED = "closed", _("已终止")


class NegativeCategory(models.TextChoices):
    CONCLUSION = "conclusion", _("出具检查结论")
    ORDER = "order", _("下达整改或处罚决定")
    PENALTY = "penalty", _("提出处罚建议")
    INSPECT_ALONE = "inspect_alone", _("单独开展检查")
    ACCEPTANCE = "acceptance", _("验收复查认定合规")
    OTHER = "other", _("其他执法行为")
