"""Exports opened back: the Excel files with openpyxl, the PDF's text with pdftotext."""

import io
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from zerodisturb.conftest import login_client
from zerodisturb.oversight.tests.rich import fill

pytestmark = pytest.mark.django_db
YEAR = "?year=2026&period=year"


@pytest.fixture
def rich(dash):
    return fill(dash)


def supervisor(dash):
    return login_client(dash.county.users["supervisor"])


def rows_by_label(ws, start=5):
    return {r[1]: r for r in ws.iter_rows(min_row=start, values_only=True)}


def test_dashboard_xlsx(rich):
    response = supervisor(rich).get(reverse("oversight:dashboard") + YEAR + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["指标", "月度趋势", "委托机关排名", "第三方机构排名", "属地"]
    ws = wb["指标"]
    assert "2026 年" in ws["A1"].value
    header = [c.value for c in ws[4]][:7]
    assert header == [
        "板块",
        "指标",
        "本期",
        "上年同期",
        "同比变化（比率为百分点）",
        "分子",
        "分母",
    ]
    rows = rows_by_label(ws)
    assert rows["入企次数"][2] == 7 and rows["入企次数"][3] == 1
    code = rows["亮码率"]
    assert code[2] == pytest.approx(6 / 7) and isinstance(code[2], float)
    cell = next(c for c in ws["C"] if c.value == code[2])
    assert cell.number_format == "0.00%"
    # no data: an empty cell, not 0
    assert rows["先报批率"][3] is None
    months = list(wb["月度趋势"].iter_rows(min_row=2, values_only=True))
    assert months[4][0] == "2026-05" and months[4][1] == 2


def test_filtered_dashboard_xlsx_applies_filters(rich):
    agency = rich.other.contract.agency_id
    url = reverse("oversight:dashboard") + YEAR + f"&agency={agency}&format=xlsx"
    wb = load_workbook(io.BytesIO(supervisor(rich).get(url).content))
    assert rows_by_label(wb["指标"])["入企次数"][2] == 1


def test_records_xlsx(rich):
    url = reverse("oversight:records", args=["visit", "visits"]) + YEAR + "&format=xlsx"
    wb = load_workbook(io.BytesIO(supervisor(rich).get(url).content))
    ws = wb.active
    assert ws["A1"].value.startswith("入企次数")
    assert [c.value for c in ws[4]] == [
        "入企编号",
        "企业",
        "类型",
        "计划开始",
        "状态",
        "首次有效亮码",
    ]
    data = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(data) == 7
    assert "兴科化纤" in "".join(str(r[1]) for r in data)
    assert ws["D5"].number_format == "yyyy-mm-dd hh:mm"


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_report_pdf_has_chinese_text_and_charts(rich, tmp_path):
    url = reverse("oversight:report_pdf") + "?year=2026&period=month&month=6"
    response = supervisor(rich).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"FontFile2" in response.content  # the TrueType font is embedded
    text = pdf_text(response.content, tmp_path)
    for words in (
        "零扰企 第三方辅助服务监管月报",
        "2026 年 6 月",
        "先报批率",
        "满意率",
        "月度入企次数（本年与上年同月）",
        "委托机关满意率排名",
        "各属地入企次数",
        "宗汉街道",
    ):
        assert words in text, words


def test_kpi_report_command_json(rich, capsys):
    call_command("kpi_report", county=rich.code, year=2026)
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "county",
        "period",
        "filters",
        "refreshed_at",
        "kpis",
        "monthly",
        "agencies",
        "providers",
        "localities",
    }
    visits = next(k for k in data["kpis"] if k["key"] == "visits")
    assert visits["value"] == 7 and visits["previous"] == 1
    assert len(data["monthly"]) == 12
    keys = set(data["kpis"][0])
    assert {"key", "label", "unit", "value", "previous", "change", "definition"} <= keys


def test_kpi_report_command_month_and_files(rich, tmp_path):
    out = tmp_path / "m.json"
    call_command("kpi_report", county=rich.code, year=2026, month=5, output=str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["period"] == {
        "year": 2026,
        "kind": "month",
        "index": 5,
        "start": "2026-05-01",
        "end": "2026-05-31",
        "label": "2026 年 5 月",
    }
    xlsx = tmp_path / "r.xlsx"
    call_command("kpi_report", county=rich.code, year=2026, format="xlsx", output=str(xlsx))
    assert load_workbook(xlsx)["指标"]["A1"].value.startswith("零扰企")
    pdf = tmp_path / "r.pdf"
    call_command("kpi_report", county=rich.code, year=2026, format="pdf", output=str(pdf))
    assert "先报批率" in pdf_text(pdf.read_bytes(), tmp_path)


def test_api_returns_the_report_for_the_role(rich, api_as):
    data = api_as("supervisor").get("/api/v1/oversight/kpis?year=2026&period=month&month=5").json()
    visits = next(k for k in data["kpis"] if k["key"] == "visits")
    assert visits["value"] == 2
    assert data["period"]["label"] == "2026 年 5 月"
    scoped = api_as("agency_officer").get("/api/v1/oversight/kpis?year=2026").json()
    assert scoped["filters"] == {"agency": rich.lead.contract.agency_id}
    refused = api_as("enterprise").get("/api/v1/oversight/kpis")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"]
