"""Every list page's 「导出 Excel」 opened back with openpyxl: Chinese headers, the same rows the
page's filters select for that user (all pages), numbers as numbers, nothing the user may not see,
and an audit event per export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.models import Alert
from zerodisturb.audit.models import AuditEvent
from zerodisturb.conftest import build_county, login_client
from zerodisturb.exports import XLSX
from zerodisturb.oversight.tests.scenario import at, dash  # noqa: F401  (fixture)
from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import sync_problem
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.testing.commissioning import draft_item, panel_fixture  # noqa: F401
from zerodisturb.testing.factories import OrganisationFactory
from zerodisturb.testing.visits import visit_world_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
HEADER_ROW = 3


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def page_count(client, url, params=None) -> int:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.context["page"].paginator.count


def export(client, url, params=None):
    response = client.get(url, {**(params or {}), "format": "xlsx"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def headers(ws) -> list[str]:
    return [c.value for c in ws[HEADER_ROW] if c.value is not None]


def rows(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def column(ws, header: str) -> list:
    i = headers(ws).index(header)
    return [r[i] for r in rows(ws)]


def cells(ws, header: str):
    i = headers(ws).index(header)
    return [r[i] for r in ws.iter_rows(min_row=HEADER_ROW + 1)]


def text_of(wb) -> str:
    return "\n".join(
        str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v
    )


def same_as_page(client, url, params=None, sheet=None):
    """The export of `url` with `params` holds exactly the page's rows (over all its pages)."""
    count = page_count(client, url, params)  # first: an export adds to the audit trail
    wb = export(client, url, params)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    assert len(rows(ws)) == count
    return ws


def last_export() -> AuditEvent:
    return AuditEvent.objects.filter(action="export.xlsx").latest("seq")


def users(county, role):
    return login_client(county.users[role])


# ── the writer ───────────────────────────────────────────────────────────────────────────────


def test_title_rows_filters_audit_event_and_link(dash):  # noqa: F811
    county = dash.county
    for day in (1, 2, 3):
        dash.complaint(at(2026, 6, day))
    client = users(county, "supervisor")
    url = reverse("complaints:list")
    page = client.get(url, {"status": "received", "page": "1"}).content.decode()
    assert 'href="?status=received&amp;format=xlsx"' in page  # the filters kept, page dropped
    wb = export(client, url, {"status": "received"})
    ws = wb.worksheets[0]
    assert ws["A1"].value == "零扰企 · 投诉"
    assert "筛选条件：状态：" in ws["A2"].value and "导出时间：" in ws["A2"].value
    assert "共 3 条" in ws["A2"].value
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["A"].width >= 8
    event = last_export()
    assert event.actor_label == county.users["supervisor"].username
    assert event.payload["list"] == "complaints:list"
    assert event.payload["filters"] == {"status": "received"}
    assert event.payload["rows"] == 3
    assert event.object_type == "export"


def test_text_that_looks_like_a_formula_stays_text(county):
    OrganisationFactory(county_code=county.code, name='=HYPERLINK("http://x","点我")')
    wb = export(users(county, "supervisor"), reverse("registry:organisations"), {"q": "=HYP"})
    (cell,) = cells(wb.worksheets[0], "名称")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_xlsx_response_types_each_kind():
    from datetime import UTC, date, datetime
    from decimal import Decimal
    from types import SimpleNamespace

    from zerodisturb.exports import DATE, DATETIME, MONEY, PERCENT, Column, xlsx_response

    row = SimpleNamespace(
        name="兴科\x07化纤",
        amount=Decimal("1234.50"),
        rate=0.853,
        day=date(2026, 5, 12),
        when=datetime(2026, 5, 12, 1, 30, tzinfo=UTC),
        missing=None,
    )
    columns = [
        Column("名称", "name"),
        Column("金额", "amount", MONEY),
        Column("满意率", "rate", PERCENT),
        Column("日期", "day", DATE),
        Column("时间", "when", DATETIME),
        Column("说明", "missing"),
    ]
    response = xlsx_response("t.xlsx", "表", columns, [row], heading="标题", filters="状态：已提交")
    ws = load_workbook(io.BytesIO(response.content))["表"]
    assert ws["A1"].value == "标题" and "状态：已提交" in ws["A2"].value
    name, amount, rate, day, when, missing = ws[4]
    assert name.value == "兴科化纤"  # a control character Excel refuses is dropped
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert rate.value == pytest.approx(0.853) and rate.number_format == "0.0%"
    assert day.is_date and day.number_format == "yyyy-mm-dd"
    assert when.value == datetime(2026, 5, 12, 9, 30)  # county time, without a zone
    assert missing.value is None


def test_dashboard_and_drill_down_downloads_are_audited(dash):  # noqa: F811
    for day in (12, 13):
        dash.visit(at(2026, 5, day))
    dash.rollup()
    client = users(dash.county, "supervisor")
    year = {"year": "2026", "period": "year", "format": "xlsx"}
    client.get(reverse("oversight:records", args=["visit", "visits"]), year)
    event = last_export()
    assert event.payload["list"] == "oversight:records:visit:visits"
    assert event.payload["rows"] == 2 and "2026" in event.payload["filters_text"]
    client.get(reverse("oversight:dashboard"), year)
    assert last_export().payload["list"] == "oversight:dashboard"


# ── problem pool ─────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def pool(county):
    orgs = county.orgs

    def problem(kind, title, owner, agency, provider, enterprise, deadline=None):
        return sync_problem(
            OrganisationFactory(county_code=county.code, kind=OrganisationKind.SYSTEM),
            kind=kind,
            title=title,
            state=ProblemState.OPEN,
            stage="待处理",
            owner=owner,
            deadline=deadline,
            agency=agency,
            provider=provider,
            enterprise=enterprise,
        )

    late = timezone.localdate() - timedelta(days=4)
    problem(
        ProblemKind.BAD_REVIEW,
        "入企差评整改",
        orgs["provider"],
        orgs["agency"],
        orgs["provider"],
        orgs["enterprise"],
        late,
    )
    problem(
        ProblemKind.COMPLAINT,
        "投诉：要求购买服务",
        orgs["agency"],
        orgs["agency"],
        orgs["provider"],
        orgs["enterprise"],
    )
    problem(
        ProblemKind.ALERT,
        "入企未亮码",
        orgs["judicial"],
        orgs["other_agency"],
        orgs["other_provider"],
        orgs["other_enterprise"],
    )


def test_problems(county, pool):
    url = reverse("problems:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:4] == ["编号", "来源", "问题", "状态"]
    assert len(rows(ws)) == 3
    ws = same_as_page(client, url, {"kind": "complaint"})
    assert column(ws, "问题") == ["投诉：要求购买服务"]
    (late,) = [c for c in cells(export(client, url).worksheets[0], "逾期天数") if c.value]
    assert late.value == 4 and late.data_type == "n"
    # the provider: its own problems, the enterprise behind a bad review or complaint hidden
    provider = users(county, "provider_admin")
    wb = export(provider, url)
    ws = wb.worksheets[0]
    assert len(rows(ws)) == page_count(provider, url)
    assert set(column(ws, "企业")) == {"（匿名）"}
    text = text_of(wb)
    assert county.orgs["enterprise"].name not in text and "入企未亮码" not in text


# ── complaints ───────────────────────────────────────────────────────────────────────────────


def test_complaints(dash):  # noqa: F811
    county = dash.county
    dash.complaint(at(2026, 6, 1), reopen_count=2)
    dash.complaint(at(2026, 6, 2), status="closed")
    dash.complaint(at(2026, 6, 3), party=dash.other, text="其他机关的投诉")
    url = reverse("complaints:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:4] == ["编号", "收到时间", "类别", "投诉人"]
    assert len(rows(ws)) == 3
    counts = cells(ws, "不认可次数")
    assert {c.value for c in counts} == {0, 2} and all(c.data_type == "n" for c in counts)
    assert len(rows(same_as_page(client, url, {"status": "closed"}))) == 1
    # the agency officer: its own complaints only; the provider: the complainant anonymous
    agency = users(county, "agency_officer")
    ws = same_as_page(agency, url)
    assert set(column(ws, "委托机关")) == {county.orgs["agency"].name}
    provider = users(county, "provider_admin")
    ws = same_as_page(provider, url)
    assert len(rows(ws)) == 2 and set(column(ws, "投诉人")) == {"（匿名）"}
    assert county.orgs["enterprise"].name not in text_of(ws.parent)


# ── alerts ───────────────────────────────────────────────────────────────────────────────────


def make_alert(county, n, kind, owner, agency=None, closed=False):
    when = at(2026, 6, n)
    return Alert.objects.create(
        county_code=county.code,
        number=f"T-A-{n:03d}",
        kind=kind,
        subject_type="visits.visit",
        subject_id=n,
        subject_label=f"入企 {n}",
        title=f"预警 {n}",
        owner=owner,
        agency=agency,
        opened_at=when,
        last_seen_at=when,
        occurrences=n,
        closed_at=when if closed else None,
    )


def test_alerts(county):
    orgs = county.orgs
    make_alert(county, 1, AlertKind.VISIT_NO_SCAN, orgs["agency"], orgs["agency"])
    make_alert(county, 2, AlertKind.FILING_OVERDUE, orgs["agency"], orgs["agency"])
    make_alert(county, 3, AlertKind.VISIT_NO_SCAN, orgs["other_agency"], orgs["other_agency"])
    make_alert(county, 4, AlertKind.VISIT_NO_SCAN, orgs["judicial"], closed=True)
    url = reverse("alerts:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:3] == ["编号", "类别", "预警"]
    assert len(rows(ws)) == 3  # the open ones, as on the page
    assert all(c.data_type == "n" for c in cells(ws, "发现次数"))
    assert len(rows(same_as_page(client, url, {"state": "all"}))) == 4
    ws = same_as_page(client, url, {"kind": AlertKind.FILING_OVERDUE})
    assert column(ws, "编号") == ["T-A-002"]
    agency = users(county, "agency_officer")
    ws = same_as_page(agency, url, {"state": "all"})
    assert sorted(column(ws, "编号")) == ["T-A-001", "T-A-002"]


# ── evaluations and their rectification tickets ─────────────────────────────────────────────


@pytest.fixture
def rated(dash):  # noqa: F811
    levels = [5, 4, 4, 5, 2, 1]
    for i, level in enumerate(levels):
        visit = dash.visit(at(2026, 5, 4 + i))
        e = dash.evaluation(visit, level, at(2026, 5, 4 + i, 18))
        if level <= 2:
            dash.rectification(e, at(2026, 6, 1).date(), None)
    other = dash.visit(at(2026, 6, 2), party=dash.other, enterprise=dash.other_enterprise)
    e = dash.evaluation(other, 1, at(2026, 6, 2, 18))
    dash.rectification(e, at(2026, 7, 1).date(), None, party=dash.other)
    return dash


def test_evaluations_rows_for_the_bureau(rated):
    county = rated.county
    url = reverse("evaluations:list")
    client = users(county, "supervisor")
    wb = export(client, url)
    ws = wb["评价"]
    assert len(rows(ws)) == page_count(client, url) == 7
    assert headers(ws)[:3] == ["入企编号", "企业", "评价人"]
    assert all(c.data_type == "n" for c in cells(ws, "评价等级（5 为非常满意）"))
    ws = export(client, url, {"level": "5"})["评价"]
    assert len(rows(ws)) == page_count(client, url, {"level": "5"}) == 2
    figures = export(client, url)["评价统计"]
    (whole,) = [r for r in rows(figures) if r[0] == "全部评价"]
    satisfaction = cells(figures, "满意率（非常满意+满意）")[0]
    assert whole[1] == 7 and satisfaction.number_format == "0.0%"
    assert satisfaction.value == pytest.approx(4 / 7, abs=0.001)


@pytest.mark.parametrize("role", ["provider_admin", "agency_officer"])
def test_evaluations_aggregates_only_for_the_rated(rated, role):
    county = rated.county
    wb = export(users(county, role), reverse("evaluations:list"))
    assert wb.sheetnames == ["评价统计"]
    ws = wb["评价统计"]
    assert headers(ws)[:3] == ["范围", "评价数", "满意率（非常满意+满意）"]
    text = text_of(wb)
    for name in (county.users["enterprise"].username, county.orgs["enterprise"].name):
        assert name not in text
    for row in rows(ws):
        assert (row[1] is None) == (row[-1] == "不足 5 条，暂不显示")
        assert row[1] is None or row[1] >= 5


def test_rectifications(rated):
    county = rated.county
    url = reverse("evaluations:rectifications")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert len(rows(ws)) == 3 and "企业" in headers(ws)
    assert all(c.data_type == "n" for c in cells(ws, "逾期天数"))
    assert len(rows(same_as_page(client, url, {"status": "accepted"}))) == 0
    provider = users(county, "provider_admin")
    ws = same_as_page(provider, url)
    assert len(rows(ws)) == 2  # not the other provider's ticket
    assert set(column(ws, "第三方机构")) == {county.orgs["provider"].name}
    assert "企业" not in headers(ws)
    assert county.orgs["enterprise"].name not in text_of(ws.parent)


# ── scorecards ───────────────────────────────────────────────────────────────────────────────


def test_scorecards(rated):
    county = rated.county
    url = reverse("scorecards:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:3] == ["第三方机构", "评价数", "满意率"]
    by_name = dict(zip(column(ws, "第三方机构"), cells(ws, "评价数"), strict=True))
    count = by_name[county.orgs["provider"].name]
    assert count.value == 6 and count.data_type == "n"
    ws = same_as_page(client, url, {"kind": "agency"})
    assert headers(ws)[0] == "委托机关"
    assert county.orgs["agency"].name in column(ws, "委托机关")
    assert county.orgs["provider"].name not in column(ws, "委托机关")
    # a provider has no county list (the page sends it to its own scorecard): nothing to export
    response = users(county, "provider_admin").get(url, {"format": "xlsx"})
    assert response.status_code == 302


# ── visits, contracts, items, credentials ────────────────────────────────────────────────────


def test_visits(rated):
    county = rated.county
    rated.visit(at(2026, 7, 1), status="planned")
    url = reverse("visits:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:3] == ["入企编号", "企业", "开始时间"]
    assert len(rows(ws)) == 8
    assert all(c.data_type == "n" for c in cells(ws, "参与机关数"))
    assert cells(ws, "开始时间")[0].is_date
    assert len(rows(same_as_page(client, url, {"status": "planned"}))) == 1
    agency = users(county, "agency_officer")
    ws = same_as_page(agency, url)
    assert len(rows(ws)) == 7
    assert county.orgs["other_agency"].name not in text_of(ws.parent)


def test_contracts(visit_world):  # noqa: F811
    county = visit_world.county
    visit_world.other_party()
    url = reverse("contracts:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:2] == ["合同编号", "委托事项"]
    assert len(rows(ws)) == 2
    amounts = cells(ws, "合同金额（元）")
    assert all(c.data_type == "n" and c.value > 0 for c in amounts)
    assert amounts[0].number_format == "#,##0.00"
    assert len(rows(same_as_page(client, url, {"status": "recorded"}))) == 0
    agency = users(county, "agency_officer")
    ws = same_as_page(agency, url)
    assert column(ws, "委托机关") == [county.orgs["agency"].name]


def test_commissioned_items(visit_world):  # noqa: F811
    county, panel = visit_world.county, visit_world.panel
    visit_world.other_party()
    draft_item(panel, actor=panel.other_officer, title="其他机关尚未提交的草稿事项")
    url = reverse("commissioning:items")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:2] == ["事项编号", "事项名称"]
    assert len(rows(ws)) == 2  # drafts are not the bureau's business yet
    assert all(c.data_type == "n" for c in cells(ws, "批准预算（元）"))
    other = county.orgs["other_agency"]
    ws = same_as_page(client, url, {"agency": other.pk})
    assert column(ws, "委托机关") == [other.name]
    assert f"委托机关：{other.name}" in ws["A2"].value
    agency = users(county, "agency_officer")
    ws = same_as_page(agency, url)
    assert "其他机关尚未提交的草稿事项" not in column(ws, "事项名称")


def test_credentials(visit_world):  # noqa: F811
    county = visit_world.county
    visit_world.other_party()
    url = reverse("credentials:list")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws) == ["证件编号", "姓名", "第三方机构", "有效期起", "有效期止", "状态"]
    assert len(rows(ws)) == 2
    assert all(c.is_date for c in cells(ws, "有效期止"))
    ws = same_as_page(client, url, {"q": county.other_staff.name})
    assert column(ws, "姓名") == [county.other_staff.name]
    provider = users(county, "provider_admin")
    ws = same_as_page(provider, url)
    assert column(ws, "第三方机构") == [county.orgs["provider"].name]
    assert county.other_staff.name not in text_of(ws.parent)


# ── registry and audit trail ─────────────────────────────────────────────────────────────────


def test_organisations(county):
    url = reverse("registry:organisations")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws) == ["名称", "类别", "统一社会信用代码", "属地", "行业"]
    ws = same_as_page(client, url, {"kind": OrganisationKind.PROVIDER})
    assert sorted(column(ws, "名称")) == sorted(
        [county.orgs["provider"].name, county.orgs["other_provider"].name]
    )
    ws = same_as_page(client, url, {"locality": county.other_town.pk})
    assert column(ws, "名称") == [county.orgs["other_enterprise"].name]
    assert f"属地：{county.other_town.name}" in ws["A2"].value
    provider = users(county, "provider_admin")
    ws = same_as_page(provider, url)
    assert column(ws, "名称") == [county.orgs["provider"].name]


def test_audit_trail_stays_in_its_county(county):
    other = build_county("330281", "余姚市")
    # exports are audit events too: one in each county
    export(users(county, "supervisor"), reverse("registry:organisations"))
    export(users(other, "supervisor"), reverse("registry:organisations"))
    url = reverse("audit:trail")
    client = users(county, "supervisor")
    ws = same_as_page(client, url)
    assert headers(ws)[:3] == ["序号", "时间", "操作人"]
    assert all(c.data_type == "n" for c in cells(ws, "序号"))
    assert other.users["supervisor"].username not in column(ws, "操作人")
    ws = same_as_page(client, url, {"action": "export.xlsx"})
    assert set(column(ws, "动作")) == {"export.xlsx"}
    assert len(rows(ws)) == 2  # the registry export and the trail's own first export
    assert users(county, "provider_admin").get(url, {"format": "xlsx"}).status_code == 403


def test_malformed_date_exports_nothing(county):
    client = users(county, "supervisor")
    response = client.get(reverse("audit:trail"), {"since": "2026-13-45", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="export.xlsx").exists()
