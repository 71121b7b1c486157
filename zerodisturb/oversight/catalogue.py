"""The KPIs: name, definition (shown on hover and in the exports), unit and where they come from.

A KPI is computed from the rollup totals of a period (see figures.py); `drill` names the source and
rollup column whose records are behind its headline count (the drill-down list), `drill_den` the
records behind its denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "before": _("事前：委托与备案"),
    "visits": _("事中：入企服务"),
    "after": _("事后：评价与整改"),
    "complaints": _("事后：投诉"),
    "exit": _("事后：预警与退出"),
}


@dataclass(frozen=True)
class Kpi:
    key: str
    section: str
    label: object
    unit: str  # rate (0..1) · count · yuan · score · number
    definition: object
    numerator: str | None = None  # rollup column, or a computed name
    denominator: str | None = None
    drill: tuple[str, str] | None = None  # (source, fact)
    drill_den: tuple[str, str] | None = None
    sources: tuple[str, ...] = ()
    better: str = "up"  # up · down · none
    evaluations: bool = False  # hidden below the anonymity threshold for non-county viewers


K = Kpi
# fmt: off
KPIS: tuple[Kpi, ...] = (
    K(
        "pre_approval_rate", "before", _("先报批率"), "rate",
        _("期内签订的合同（原始版本）中，所属事项在签订日前已经联审批准的比例"),
        "contracts_preapproved", "contracts_signed",
        ("contract_signed", "contracts_preapproved"), ("contract_signed", "contracts_signed"),
        ("contract_signed",),
    ),
    K(
        "filing_on_time_rate", "before", _("按时备案率"), "rate",
        _("期内签订（含变更）的合同版本中，在备案截止日（签订后 10 个工作日）前报备的比例；"
          "尚未到期且未报备的不计入"),
        "filings_on_time", "filings_due",
        ("version_signed", "filings_on_time"), ("version_signed", "filings_due"),
        ("version_signed",),
    ),
    K(
        "items_submitted", "before", _("申报委托事项数"), "count",
        _("期内首次提交联审的委托事项数（同比看“能少则少”）"),
        "items_submitted", None, ("item_submitted", "items_submitted"), None,
        ("item_submitted",), "down",
    ),
    K(
        "items_approved", "before", _("批准事项数"), "count",
        _("期内联审批准（含核减后批准）的委托事项数"),
        "items_approved", None, ("item_decided", "items_approved"), None,
        ("item_decided",), "none",
    ),
    K(
        "approved_budget", "before", _("批准预算（元）"), "yuan",
        _("期内批准事项的批准预算合计"),
        "approved_budget", None, ("item_decided", "items_approved"), None,
        ("item_decided",), "down",
    ),
    K(
        "budget_saved_rate", "before", _("联审节约预算率"), "rate",
        _("期内批准事项：（申请预算 − 批准预算）÷ 申请预算；被否决事项不计入"),
        "budget_saved", "requested_budget", ("item_decided", "items_approved"), None,
        ("item_decided",),
    ),
    K(
        "visits", "visits", _("入企次数"), "count",
        _("期内（按计划开始日）实际到场的入企服务次数（服务中、已离场、已办结），"
          "联合入企算一次，归属牵头机关"),
        "visits", None, ("visit", "visits"), None, ("visit",), "down",
    ),
    K(
        "visits_per_enterprise", "visits", _("企业平均被入企次数"), "number",
        _("期内入企次数 ÷ 期内被入企的企业数"),
        "visits", "enterprises", ("visit", "visits"), ("enterprise", "visited"),
        ("visit",), "down",
    ),
    K(
        "visits_p95", "visits", _("企业被入企次数 P95"), "number",
        _("期内被入企企业的入企次数的第 95 百分位（最近秩法：排序后第 ⌈0.95n⌉ 家）"),
        None, "enterprises", ("enterprise", "visited"), None, ("visit",), "down",
    ),
    K(
        "frequent_share", "visits", _("高频企业占比"), "rate",
        _("期内被入企的企业中，某一季度（限本期内）被入企次数超过区县季度预警阈值的比例"),
        "frequent", "enterprises", ("enterprise", "frequent"), ("enterprise", "visited"),
        ("visit",), "down",
    ),
    K(
        "code_shown_rate", "visits", _("亮码率"), "rate",
        _("期内入企中，企业扫到有效二维码（亮码入企）的比例"),
        "visits_scanned", "visits", ("visit", "visits_scanned"), ("visit", "visits"),
        ("visit",),
    ),
    K(
        "officer_present_rate", "visits", _("陪同率"), "rate",
        _("期内入企中，登记了至少一名陪同政府工作人员的比例"),
        "visits_officer", "visits", ("visit", "visits_officer"), ("visit", "visits"),
        ("visit",),
    ),
    K(
        "joint_visit_rate", "visits", _("联合入企率"), "rate",
        _("期内入企中，两个及以上机关一起进入（综合查一次）的比例"),
        "visits_joint", "visits", ("visit", "visits_joint"), ("visit", "visits"), ("visit",),
    ),
    K(
        "visits_avoided", "visits", _("联合入企减少入企次数"), "count",
        _("期内加入其他机关入企的机关数（每个加入方少进一次企业）"),
        "joins", None, ("joined_party", "joins"), None, ("joined_party",),
    ),
    K(
        "satisfaction_rate", "after", _("满意率"), "rate",
        _("期内企业评价中“非常满意”与“满意”之和 ÷ 全部评价"),
        "satisfied", "evaluations", ("evaluation", "satisfied"), ("evaluation", "evaluations"),
        ("evaluation",), evaluations=True,
    ),
    K(
        "weighted_score", "after", _("加权满意度得分"), "score",
        _("期内评价按 非常满意 100、满意 80、基本满意 60、不满意 40、非常不满意 20 的平均分"),
        None, "evaluations", ("evaluation", "evaluations"), None, ("evaluation",),
        evaluations=True,
    ),
    K(
        "bad_review_rate", "after", _("差评率"), "rate",
        _("期内企业评价中“不满意”与“非常不满意”之和 ÷ 全部评价"),
        "bad", "evaluations", ("evaluation", "bad"), ("evaluation", "evaluations"),
        ("evaluation",), "down", evaluations=True,
    ),
    K(
        "rectification_on_time_rate", "after", _("差评整改按时率"), "rate",
        _("整改期限在期内的整改单中，在期限内办结的比例；未到期且未办结的不计入"),
        "rect_on_time", "rect_due", ("rectification", "rect_on_time"),
        ("rectification", "rect_due"), ("rectification",),
    ),
    K(
        "complaints", "complaints", _("收到投诉数"), "count",
        _("期内收到的投诉数（按收到日期）"),
        "complaints", None, ("complaint", "complaints"), None, ("complaint",), "down",
    ),
    K(
        "complaints_substantiated", "complaints", _("查实投诉数"), "count",
        _("期内认定为查实的投诉数（按认定日期）"),
        "complaints_substantiated", None, ("complaint_decided", "complaints_substantiated"),
        None, ("complaint_decided",), "down",
    ),
    K(
        "complaint_ack_rate", "complaints", _("投诉按时受理率"), "rate",
        _("期内收到的投诉中，在受理期限内受理的比例；未到期且未受理的不计入"),
        "ack_on_time", "ack_due", ("complaint", "ack_on_time"), ("complaint", "ack_due"),
        ("complaint",),
    ),
    K(
        "complaint_reply_rate", "complaints", _("投诉按时答复率"), "rate",
        _("期内收到的投诉中，在首次答复期限内答复的比例；未到期且未答复的不计入"),
        "reply_on_time", "reply_due", ("complaint", "reply_on_time"), ("complaint", "reply_due"),
        ("complaint",),
    ),
    K(
        "complaint_close_rate", "complaints", _("投诉按时办结率"), "rate",
        _("期内收到的投诉中，在办结期限内办结的比例；未到期且未办结的不计入"),
        "close_on_time", "close_due", ("complaint", "close_on_time"), ("complaint", "close_due"),
        ("complaint",),
    ),
    K(
        "providers_warned", "exit", _("预警机构数"), "count",
        _("期内被发出不满意退出预警的第三方机构数"),
        "providers_warned", None, ("exit_case", "warned"), None, ("exit_case",), "down",
    ),
    K(
        "providers_exited", "exit", _("退出机构数"), "count",
        _("期内经司法局确认退出的第三方机构数"),
        "providers_exited", None, ("exit_case", "exited"), None, ("exit_case",), "down",
    ),
)
# fmt: on
BY_KEY = {k.key: k for k in KPIS}
