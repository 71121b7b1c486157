"""The 事后 demo's lines in seed_demo's report, read back from the database (also on re-runs)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import F

from zerodisturb.complaints.choices import ComplaintChannel
from zerodisturb.complaints.models import Complaint
from zerodisturb.evaluations.choices import BAD_LEVELS, RectificationStatus
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.figures import Window, county_figures
from zerodisturb.scorecards.models import ExitCase

YEARS = (2025, 2026)


def yearly_satisfaction(county: str, year: int):
    """The county's figures over a calendar year (scorecards.figures, each evaluation once)."""
    return county_figures(county, Window(date(year, 1, 1), date(year, 12, 31)))


def summary_lines(county: str) -> list[str]:
    lines = []
    parts = []
    for year in YEARS:
        figures = yearly_satisfaction(county, year)
        if figures.evaluations:
            parts.append(
                f"{year} 年 {figures.evaluations} 条，满意率 {figures.satisfaction_rate:.1f}%"
                f"（{figures.satisfied}/{figures.evaluations}）"
            )
    lines.append("企业评价：" + "；".join(parts) + "。满意率 =（非常满意 + 满意）÷ 全部评价。")
    bad = Evaluation.objects.filter(
        county_code=county, level__in=BAD_LEVELS, submitted_at__year=2026
    ).count()
    tickets = Rectification.objects.filter(county_code=county)
    states = Counter(tickets.values_list("status", flat=True))
    overdue = tickets.filter(overdue_notified_at__isnull=False).exclude(
        status__in=[RectificationStatus.ACCEPTED, RectificationStatus.CLOSED]
    )
    lines.append(
        f"差评整改：2026 年差评 {bad} 条，整改单 {tickets.count()} 张（"
        + "，".join(f"{RectificationStatus(k).label} {n}" for k, n in sorted(states.items()))
        + f"；逾期未办结 {overdue.count()} 张）。"
    )
    received = Complaint.objects.filter(county_code=county)
    closed = received.filter(closed_at__isnull=False)
    on_time = closed.filter(closed_at__date__lte=F("close_due_on")).count()
    public = received.filter(channel=ComplaintChannel.PUBLIC).count()
    lines.append(
        f"投诉：收到 {received.count()} 件（企业 {received.count() - public}，社会公众 {public}），"
        f"查实 {received.filter(substantiated=True).count()} 件，"
        f"按期办结率 {on_time / max(closed.count(), 1):.1%}（{on_time}/{closed.count()}），"
        f"升级督办 {received.filter(escalated_at__isnull=False).count()} 件，"
        f"投诉人不认可 {received.filter(reopen_count__gt=0).count()} 件。"
    )
    cases = ExitCase.objects.filter(county_code=county).select_related("provider")
    for case in cases.filter(status=ExitStatus.WARNING):
        lines.append(
            f"考核预警：{case.provider}（{case.number}），{case.grounds}；整改期至 "
            f"{case.rectify_until}，机构{'已' if case.replied_at else '未'}陈述申辩。"
        )
    for case in cases.filter(status=ExitStatus.EXITED):
        lines.append(
            f"不满意退出：{case.provider}（{case.number}），{case.decided_at:%Y-%m-%d} 司法局确认退出，"
            f"合同终止、证件吊销，{case.excluded_until} 前不得签订新合同。"
        )
    return lines
