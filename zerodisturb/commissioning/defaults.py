"""A county's starting configuration: the usual domains and the negative list of the brief."""

from __future__ import annotations

from zerodisturb.commissioning.choices import NegativeCategory
from zerodisturb.commissioning.models import Domain, NegativeRule

DOMAINS = [
    ("fire_emergency", "应急消防"),
    ("work_safety", "安全生产"),
    ("ecology", "生态环保"),
    ("market", "市场监管"),
    ("other", "其他"),
]
RULE_REF = "《行政执法领域委托第三方辅助服务事项审核管理办法》第六条"
NEGATIVE_RULES = [
    (
        NegativeCategory.CONCLUSION,
        "出具检查结论\n作出检查结论\n出具执法结论\n认定违法",
        "检查结论只能由行政机关作出，第三方只能提供技术意见",
    ),
    (
        NegativeCategory.ORDER,
        "下达整改通知\n下达整改指令\n责令整改\n责令停产\n下达处罚决定\n作出处罚决定",
        "整改和处罚决定是行政执法行为，不得委托",
    ),
    (
        NegativeCategory.PENALTY,
        "提出处罚建议\n拟定处罚意见\n处罚裁量",
        "处罚建议属于执法裁量，不得由第三方提出",
    ),
    (
        NegativeCategory.INSPECT_ALONE,
        "单独开展检查\n独立执法检查\n代替执法人员检查\n单独入企检查",
        "第三方入企须由政府人员陪同，不得单独检查",
    ),
    (
        NegativeCategory.ACCEPTANCE,
        "验收复查并认定合规\n认定是否合规\n出具合规认定\n复查验收结论",
        "认定企业是否合规属于执法结论",
    ),
]


def ensure_county_defaults(county_code: str, actor=None) -> tuple[int, int]:
    """Create the default domains and negative rules for a county that has none yet."""
    domains = rules = 0
    if not Domain.objects.filter(county_code=county_code).exists():
        Domain.objects.bulk_create(
            Domain(county_code=county_code, code=code, name=name, order=i)
            for i, (code, name) in enumerate(DOMAINS)
        )
        domains = len(DOMAINS)
    if not NegativeRule.objects.filter(county_code=county_code).exists():
        NegativeRule.objects.bulk_create(
            NegativeRule(
                county_code=county_code,
                category=category,
                keywords=keywords,
                reason=reason,
                rule_ref=RULE_REF,
                updated_by=actor,
            )
            for category, keywords, reason in NEGATIVE_RULES
        )
        rules = len(NEGATIVE_RULES)
    return domains, rules
