"""The survey's results as an .xlsx workbook: Chinese headers, counts and percentages as numbers."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from zerodisturb.surveys.models import Survey
from zerodisturb.surveys.results import compare, question_results, response_rate


def _n(value: Decimal | None):
    """A percentage as a number (float), or empty when there is no data."""
    return None if value is None else float(value)


def _sheet(wb, title: str, headers: list[str], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    return ws


def results_workbook(survey: Survey) -> bytes:
    wb = Workbook()
    ws = _sheet(wb, "结果", ["题号", "题目", "题型", "选项", "人数", "占比（%）", "作答数"], True)
    for result in question_results(survey):
        q = result.question
        for option in result.options:
            ws.append(
                [
                    q.position,
                    q.text,
                    q.get_kind_display(),
                    option.label,
                    option.count,
                    _n(option.share),
                    result.answers,
                ]
            )
        if result.satisfaction_rate is not None or q.kind == "satisfaction":
            ws.append(
                [
                    q.position,
                    q.text,
                    q.get_kind_display(),
                    "满意率（非常满意+满意）",
                    None,
                    _n(result.satisfaction_rate),
                    result.answers,
                ]
            )
        for text in result.texts:
            ws.append([q.position, q.text, q.get_kind_display(), text, None, None, result.answers])
    rate = response_rate(survey)
    ws = _sheet(wb, "回收情况", ["属地", "邀请企业数", "已答卷数", "回收率（%）"])
    for row in rate.by_locality:
        ws.append([row.name, row.invited, row.answered, _n(row.rate)])
    ws.append(["合计", rate.invited, rate.answered, _n(rate.rate)])
    comparisons = compare(survey)
    if comparisons:
        ws = _sheet(
            wb, "对比", ["题号", "题目", "指标", "本次（%）", "上次（%）", "变化（百分点）"]
        )
        for comparison in comparisons:
            q = comparison.current.question
            for label, now, then, diff in comparison.rows:
                ws.append([q.position, q.text, label, _n(now), _n(then), _n(diff)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
