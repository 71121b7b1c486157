"""The records behind a figure (drill-down): the same source definitions as the rollups, listed.

Each source has its columns (Chinese header, value, link); the list page, its Excel export and the
count shown above the list all come from `records()`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zerodisturb.evaluations.choices import BAD_LEVELS, SATISFIED_LEVELS
from zerodisturb.oversight.figures import exit_cases
from zerodisturb.oversight.sources import SOURCES
from zerodisturb.registry.models import CountyPolicy, Organisation

# Drill-down facts that are not rollup columns (they are sums of columns).
EXTRA = {
    ("evaluation", "evaluations"): None,
    ("evaluation", "satisfied"): Q(level__in=SATISFIED_LEVELS),
    ("evaluation", "bad"): Q(level__in=BAD_LEVELS),
}
LABELS = {
    "enterprise": "被入企的企业",
    "exit_case": "不满意退出案件",
}
FACT_LABELS = {
    "visited": "期内被入企的企业",
    "frequent": "季度入企次数超过预警阈值的企业",
    "warned": "期内预警",
    "exited": "期内退出",
}


def _local(value):
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None) if hasattr(value, "tzinfo") else value


def _url(name, pk):
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


@dataclass
class Column:
    header: str
    get: object  # callable(row) -> value
    unit: str = ""  # "" · count · yuan · datetime · date


C = Column
ITEM = [
    C("事项编号", lambda o: o.number),
    C("事项名称", lambda o: o.current_version.title if o.current_version_id else ""),
    C("委托机关", lambda o: str(o.agency)),
    C("状态", lambda o: o.get_status_display()),
    C("首次提交时间", lambda o: _local(o.first_submitted_at), "datetime"),
    C("审结时间", lambda o: _local(o.decided_at), "datetime"),
    C(
        "申请预算（元）",
        lambda o: float(o.current_version.requested_budget) if o.current_version_id else None,
        "yuan",
    ),
    C("批准预算（元）", lambda o: float(o.approved_budget or 0), "yuan"),
]
VERSION = [
    C("合同编号", lambda o: o.contract.number),
    C("版本", lambda o: o.version, "count"),
    C("委托机关", lambda o: str(o.contract.agency)),
    C("第三方机构", lambda o: str(o.contract.provider)),
    C("签订日期", lambda o: o.signed_on, "date"),
    C("备案截止日", lambda o: o.filing_due_on, "date"),
    C("首次报备时间", lambda o: _local(o.first_filed_at), "datetime"),
    C("合同金额（元）", lambda o: float(o.amount), "yuan"),
]
VISIT = [
    C("入企编号", lambda o: o.number),
    C("企业", lambda o: str(o.enterprise)),
    C("类型", lambda o: o.get_kind_display()),
    C("计划开始", lambda o: _local(o.window_start), "datetime"),
    C("状态", lambda o: o.get_status_display()),
    C("首次有效亮码", lambda o: _local(o.valid_scan_at), "datetime"),
]
COLUMNS = {
    "item_submitted": (ITEM, "commissioning:item", lambda o: o.pk),
    "item_decided": (ITEM, "commissioning:item", lambda o: o.pk),
    "contract_signed": (VERSION, "contracts:detail", lambda o: o.contract_id),
    "version_signed": (VERSION, "contracts:detail", lambda o: o.contract_id),
    "visit": (VISIT, "visits:detail", lambda o: o.pk),
    "joined_party": (
        [
            C("入企编号", lambda o: o.visit.number),
            C("企业", lambda o: str(o.visit.enterprise)),
            C("加入的机关", lambda o: str(o.agency)),
            C("计划开始", lambda o: _local(o.visit.window_start), "datetime"),
        ],
        "visits:detail",
        lambda o: o.visit_id,
    ),
    "evaluation": (
        [
            C("入企编号", lambda o: o.visit.number),
            C("企业", lambda o: str(o.enterprise)),
            C("总体评价", lambda o: o.get_level_display()),
            C("评价时间", lambda o: _local(o.submitted_at), "datetime"),
        ],
        "evaluations:detail",
        lambda o: o.pk,
    ),
    "rectification": (
        [
            C("整改单编号", lambda o: o.number),
            C("第三方机构", lambda o: str(o.provider)),
            C("委托机关", lambda o: str(o.agency)),
            C("状态", lambda o: o.get_status_display()),
            C("整改期限", lambda o: o.due_on, "date"),
            C("办结时间", lambda o: _local(o.completed_at), "datetime"),
        ],
        "evaluations:rectification",
        lambda o: o.pk,
    ),
    "exit_case": (
        [
            C("案件编号", lambda o: o.number),
            C("第三方机构", lambda o: str(o.provider)),
            C("状态", lambda o: o.get_status_display()),
            C("预警时间", lambda o: _local(o.warned_at), "datetime"),
            C("退出时间", lambda o: _local(o.exited_at), "datetime"),
        ],
        "",
        lambda o: o.pk,
    ),
    "enterprise": (
        [
            C("企业", lambda o: o["name"]),
            C("属地", lambda o: o["locality"]),
            C("期内入企次数", lambda o: o["visits"], "count"),
            C("单季度最多入企次数", lambda o: o["max_quarter"], "count"),
        ],
        "",
        lambda o: None,
    ),
}
COMPLAINT = (
    [
        C("投诉编号", lambda o: o.number),
        C("类别", lambda o: o.get_category_display()),
        C("委托机关", lambda o: str(o.agency or "")),
        C("第三方机构", lambda o: str(o.provider or "")),
        C("收到时间", lambda o: _local(o.received_at), "datetime"),
        C("状态", lambda o: o.get_status_display()),
        C("受理期限", lambda o: o.ack_due_on, "date"),
        C("办结期限", lambda o: o.close_due_on, "date"),
    ],
    "complaints:detail",
    lambda o: o.pk,
)
COLUMNS["complaint"] = COLUMNS["complaint_decided"] = COMPLAINT
RELATED = {
    "item_submitted": ("agency", "current_version"),
    "item_decided": ("agency", "current_version"),
    "contract_signed": ("contract__agency", "contract__provider"),
    "version_signed": ("contract__agency", "contract__provider"),
    "visit": ("enterprise",),
    "joined_party": ("visit__enterprise", "agency"),
    "evaluation": ("visit", "enterprise"),
    "rectification": ("provider", "agency"),
    "complaint": ("agency", "provider"),
    "complaint_decided": ("agency", "provider"),
    "exit_case": ("provider",),
}


def known(source: str, fact: str, today: date) -> bool:
    if source == "enterprise":
        return fact in ("visited", "frequent")
    if source == "exit_case":
        return fact in ("warned", "exited")
    if (source, fact) in EXTRA:
        return True
    return source in SOURCES and fact in SOURCES[source].facts(today)


def title(source: str, fact: str) -> str:
    from zerodisturb.oversight.catalogue import KPIS

    for kpi in KPIS:
        for pair, den in ((kpi.drill, False), (kpi.drill_den, True)):
            if pair == (source, fact):
                return f"{kpi.label}：{'分母' if den else '计入的记录'}"
    label = LABELS.get(source) or str(SOURCES[source].label)
    return f"{label}：{FACT_LABELS.get(fact, fact)}"


def records(county, source, fact, start, end, filters, today: date):
    """The rows behind one figure: a queryset, or a list for enterprises."""
    if source == "exit_case":
        return exit_cases(county, start, end, filters, fact).select_related("provider")
    if source == "enterprise":
        return _enterprises(county, start, end, filters, today, frequent=fact == "frequent")
    src = SOURCES[source]
    if (source, fact) in EXTRA:
        qs = src.queryset(county).filter(src.between(start, end))
        for dim, value in filters.items():
            if value is not None:
                qs = qs.filter(**{f"_{dim}": value})
        when = EXTRA[(source, fact)]
        qs = qs.filter(when) if when is not None else qs
    else:
        qs = src.records(county, start, end, filters, fact, today)
    return qs.select_related(*RELATED.get(source, ())).order_by("-_day", "-pk")


def _enterprises(county, start, end, filters, today, frequent: bool) -> list[dict]:
    visits = SOURCES["visit"].records(county, start, end, filters, "visits", today)
    per_quarter: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for ent, day, n in (
        visits.values_list("enterprise_id", "_day").annotate(n=Count("pk")).order_by()
    ):
        per_quarter[ent][(day.month - 1) // 3] += n
    threshold = CountyPolicy.for_county(county).frequent_visits_per_quarter
    orgs = Organisation.objects.select_related("locality").in_bulk(list(per_quarter))
    rows = []
    for ent, quarters in per_quarter.items():
        top = max(quarters.values())
        if frequent and top <= threshold:
            continue
        org = orgs[ent]
        rows.append(
            {
                "pk": ent,
                "name": str(org),
                "locality": str(org.locality or ""),
                "visits": sum(quarters.values()),
                "max_quarter": top,
            }
        )
    rows.sort(key=lambda r: (-r["visits"], r["name"]))
    return rows


def row_values(source: str, row) -> tuple[list, str]:
    columns, url_name, pk_of = COLUMNS[source]
    pk = pk_of(row)
    url = _url(url_name, pk) if url_name and pk else ""
    return [c.get(row) for c in columns], url


def headers(source: str) -> list[Column]:
    return COLUMNS[source][0]
