"""Excel exports of the dashboard and of any records list, and the report PDF with its charts.

Numbers stay numbers (rates as fractions with a percentage format); the PDF draws its charts with
reportlab graphics and embeds the CJK font the credential card uses.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zerodisturb.credentials.card import _font as cjk_font
from zerodisturb.oversight.formatting import fmt, fmt_change
from zerodisturb.oversight.records import headers, row_values

NUMBER_FORMATS = {
    "rate": "0.00%",
    "count": "#,##0",
    "yuan": "#,##0.00",
    "score": "0.00",
    "number": "0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
BOLD = Font(bold=True)


def _put(ws, row, col, value, unit=""):
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # an organisation named "=HYPERLINK(…)" stays text, not a formula
    if unit in NUMBER_FORMATS and value is not None:
        cell.number_format = NUMBER_FORMATS[unit]
    return cell


def _sheet_rows(ws, header: list[str], rows: list[list[tuple]], start=1):
    for col, text in enumerate(header, 1):
        ws.cell(row=start, column=col, value=text).font = BOLD
    for r, row in enumerate(rows, start + 1):
        for col, (value, unit) in enumerate(row, 1):
            _put(ws, r, col, value, unit)
    for col in range(1, len(header) + 1):
        ws.column_dimensions[ws.cell(row=start, column=col).column_letter].width = 16


def _title(data) -> str:
    return f"零扰企 监管指标 · {data['county']} · {data['period']['label']}"


def dashboard_xlsx(data: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.cell(row=1, column=1, value=_title(data)).font = BOLD
    ws.cell(row=2, column=1, value=f"数据更新于 {data['refreshed_at'] or '—'}")
    rows = []
    for k in data["kpis"]:
        unit = k["unit"]
        amount = "yuan" if k["key"] == "budget_saved_rate" else "count"
        rows.append(
            [
                (k["section_label"], ""),
                (k["label"], ""),
                (k["value"], unit),
                (k["previous"], unit),
                (k["change"], "rate"),
                (k["numerator"], amount),
                (k["denominator"], amount),
                (k["note"] or None, ""),
                (k["definition"], ""),
            ]
        )
    _sheet_rows(
        ws,
        [
            "板块",
            "指标",
            "本期",
            "上年同期",
            "同比变化（比率为百分点）",
            "分子",
            "分母",
            "说明",
            "口径",
        ],
        rows,
        start=4,
    )
    ws.column_dimensions["I"].width = 60

    ws = wb.create_sheet("月度趋势")
    _sheet_rows(
        ws,
        ["月份", "入企次数", "上年同月入企次数", "亮码率", "满意率", "收到投诉数"],
        [
            [
                (m["month"], ""),
                (m["visits"], "count"),
                (m["visits_previous_year"], "count"),
                (m["code_shown_rate"], "rate"),
                (m["satisfaction_rate"], "rate"),
                (m["complaints"], "count"),
            ]
            for m in data["monthly"]
        ],
    )
    for key, name in (
        ("agencies", "委托机关排名"),
        ("providers", "第三方机构排名"),
        ("localities", "属地"),
    ):
        ws = wb.create_sheet(name)
        _sheet_rows(
            ws,
            ["名次（按满意率）", "名称", "入企次数", "亮码率", "满意率", "评价数"],
            [
                [
                    (r["rank"], "count"),
                    (r["name"], ""),
                    (r["visits"], "count"),
                    (r["code_shown_rate"], "rate"),
                    (r["satisfaction_rate"], "rate"),
                    (r["evaluations"], "count"),
                ]
                for r in data[key]
            ],
        )
    return _save(wb)


def records_xlsx(heading: str, source: str, rows, description: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "记录"
    ws.cell(row=1, column=1, value=heading).font = BOLD
    ws.cell(row=2, column=1, value=description)
    columns = headers(source)
    out = []
    for row in rows:
        values, _url = row_values(source, row)
        out.append([(v, c.unit) for v, c in zip(values, columns, strict=True)])
    _sheet_rows(ws, [c.header for c in columns], out, start=4)
    return _save(wb)


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ── PDF ──────────────────────────────────────────────────────────────────────────────────────
PALETTE = [colors.HexColor("#c0392b"), colors.HexColor("#7f8c8d"), colors.HexColor("#2471a3")]


def _axis_fonts(chart, font):
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7


def _heading(drawing, text, font, width):
    drawing.add(
        String(
            width / 2, drawing.height - 12, text, fontName=font, fontSize=10, textAnchor="middle"
        )
    )


def _legend(drawing, pairs, font, x, y):
    legend = Legend()
    legend.fontName = font
    legend.fontSize = 7
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = len(pairs)
    legend.colorNamePairs = pairs
    drawing.add(legend)


def monthly_chart(data, font, width=170 * mm, height=65 * mm) -> Drawing:
    d = Drawing(width, height)
    _heading(d, "月度入企次数（本年与上年同月）", font, width)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, width - 120, height - 50
    chart.data = [
        [m["visits"] for m in data["monthly"]],
        [m["visits_previous_year"] for m in data["monthly"]],
    ]
    chart.categoryAxis.categoryNames = [f"{int(m['month'][5:])}月" for m in data["monthly"]]
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[1].fillColor = PALETTE[1]
    _axis_fonts(chart, font)
    d.add(chart)
    year = data["period"]["year"]
    _legend(
        d,
        [(PALETTE[0], f"{year} 年"), (PALETTE[1], f"{year - 1} 年")],
        font,
        width - 70,
        height - 30,
    )
    return d


def rates_chart(data, font, width=170 * mm, height=60 * mm) -> Drawing:
    d = Drawing(width, height)
    _heading(d, "月度亮码率与满意率（%）", font, width)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, width - 120, height - 50

    def series(key):
        return [None if m[key] is None else round(m[key] * 100, 1) for m in data["monthly"]]

    # reportlab cannot draw a line through fewer than two points: such a line is left out
    # (drawn flat and without ink, so the other one keeps its colour).
    chart.data, blank = [], []
    for values in (series("code_shown_rate"), series("satisfaction_rate")):
        blank.append(sum(v is not None for v in values) < 2)
        chart.data.append([0] * len(values) if blank[-1] else values)
    chart.categoryAxis.categoryNames = [f"{int(m['month'][5:])}月" for m in data["monthly"]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.lines[0].strokeColor = PALETTE[2]
    chart.lines[1].strokeColor = PALETTE[0]
    chart.lines[0].strokeWidth = chart.lines[1].strokeWidth = 1.5
    for i, empty in enumerate(blank):
        if empty:
            chart.lines[i].strokeColor = None
    _axis_fonts(chart, font)
    d.add(chart)
    _legend(d, [(PALETTE[2], "亮码率"), (PALETTE[0], "满意率")], font, width - 70, height - 30)
    return d


def ranking_chart(rows, caption, font, width=170 * mm) -> Drawing:
    rows = [r for r in rows if r["satisfaction_rate"] is not None][:12]
    if not rows:
        d = Drawing(width, 40)
        _heading(d, caption, font, width)
        d.add(
            String(
                width / 2,
                8,
                "评价不足 5 条的不参与排名：本期暂无排名",
                fontName=font,
                fontSize=8,
                textAnchor="middle",
            )
        )
        return d
    height = 40 + 14 * len(rows)
    d = Drawing(width, height)
    _heading(d, caption, font, width)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 130, 10, width - 160, height - 30
    chart.data = [[round(r["satisfaction_rate"] * 100, 1) for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [r["name"][:14] for r in reversed(rows)]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.bars[0].fillColor = PALETTE[2]
    _axis_fonts(chart, font)
    d.add(chart)
    return d


def locality_chart(rows, font, width=170 * mm, height=65 * mm) -> Drawing | None:
    if not rows:
        return None
    d = Drawing(width, height)
    _heading(d, "各属地入企次数", font, width)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 35, width - 50, height - 60
    chart.data = [[r["visits"] for r in rows]]
    # Town names without the county's name in front, short enough to sit side by side.
    chart.categoryAxis.categoryNames = [r["name"][-6:] for r in rows[:16]]
    chart.data = [[r["visits"] for r in rows[:16]]]
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = PALETTE[0]
    _axis_fonts(chart, font)
    d.add(chart)
    return d


def report_pdf(data: dict) -> bytes:
    font = cjk_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    h2 = ParagraphStyle("h", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    small = ParagraphStyle("s", fontName=font, fontSize=8, leading=11)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10)
    story = [
        Paragraph(f"零扰企 第三方辅助服务监管月报 · {data['period']['label']}", title),
        Paragraph(
            f"区县 {data['county']} · 统计期 {data['period']['start']} 至 {data['period']['end']}"
            f" · 数据更新于 {data['refreshed_at'] or '—'}",
            small,
        ),
        Spacer(1, 4 * mm),
    ]
    section = None
    rows = []
    for k in data["kpis"]:
        if k["section_label"] != section:
            section = k["section_label"]
            rows.append([Paragraph(f"<b>{section}</b>", cell), "", "", ""])
        rows.append(
            [
                Paragraph(k["label"], cell),
                Paragraph(
                    fmt(k["value"], k["unit"]) + (f"（{k['note']}）" if k["note"] else ""), cell
                ),
                Paragraph(fmt(k["previous"], k["unit"]), cell),
                Paragraph(fmt_change(k["change"], k["unit"]), cell),
            ]
        )
    header = [Paragraph(t, cell) for t in ("指标", "本期", "上年同期", "同比")]
    table = Table([header, *rows], colWidths=[60 * mm, 45 * mm, 35 * mm, 35 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#bcccdc")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [Paragraph("一、主要指标", h2), table, Paragraph("二、月度趋势", h2)]
    story += [monthly_chart(data, font), rates_chart(data, font)]
    story.append(Paragraph("三、排名与属地分布", h2))
    for drawing in (
        ranking_chart(data["agencies"], "委托机关满意率排名（%）", font),
        ranking_chart(data["providers"], "第三方机构满意率排名（%）", font),
        locality_chart(data["localities"], font),
    ):
        if drawing is not None:
            story += [drawing, Spacer(1, 4 * mm)]
    story.append(Paragraph("四、指标口径", h2))
    for k in data["kpis"]:
        story.append(Paragraph(f"{k['label']}：{k['definition']}", small))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="零扰企监管月报",
    )
    doc.build(story)
    return buf.getvalue()
