"""The dashboard and the records behind its figures, as each role sees them."""

import re

import pytest
from django.urls import reverse

from zerodisturb.conftest import login_client
from zerodisturb.oversight.tests.rich import fill
from zerodisturb.roles import Role
from zerodisturb.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("oversight:dashboard")
YEAR = "?year=2026&period=year"

# role → may open the dashboard
MATRIX = {
    "supervisor": 200,
    "oversight": 200,
    "agency_officer": 200,
    "provider_admin": 200,
    "locality": 200,
    "reviewer": 403,
    "provider_staff": 403,
    "enterprise": 403,
    "system_admin": 403,
}


@pytest.fixture
def rich(dash):
    return fill(dash)


def client_of(dash, role):
    return login_client(dash.county.users[role])


@pytest.mark.parametrize(("role", "status"), MATRIX.items())
def test_dashboard_role_matrix(rich, role, status):
    response = client_of(rich, role).get(URL + YEAR)
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), MATRIX.items())
def test_records_role_matrix(rich, role, status):
    url = reverse("oversight:records", args=["visit", "visits"]) + YEAR
    assert client_of(rich, role).get(url).status_code == status


def test_anonymous_goes_to_login(rich):
    from django.test import Client

    response = Client().get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("role", ["agency_officer", "provider_admin", "locality"])
def test_scoped_viewers_may_not_open_evaluations(rich, role):
    url = reverse("oversight:records", args=["evaluation", "evaluations"]) + YEAR
    assert client_of(rich, role).get(url).status_code == 403


def test_nav_link_for_dashboard_roles_only(rich):
    assert "监管看板" in client_of(rich, "supervisor").get("/").content.decode()
    assert "监管看板" not in client_of(rich, "enterprise").get("/").content.decode()


def _count(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return response.context["count"]


@pytest.mark.parametrize("role", ["supervisor", "agency_officer"])
def test_every_drill_down_lists_exactly_the_counted_records(rich, role):
    client = client_of(rich, role)
    page = client.get(URL + YEAR)
    cards = [c for s in page.context["sections"] for c in s["cards"]]
    checked = 0
    for card in cards:
        if card["url"]:
            assert _count(client.get(card["url"])) == card["records"], card["key"]
            checked += 1
        if card["den_url"]:
            assert _count(client.get(card["den_url"])) == card["denominator_records"], card["key"]
            checked += 1
    assert checked >= (20 if role == "supervisor" else 10)


def test_supervisor_sees_figures_definitions_and_year_on_year(rich):
    html = client_of(rich, "supervisor").get(URL + YEAR).content.decode()
    assert 'id="kpi-code_shown_rate"' in html
    assert "期内入企中，企业扫到有效二维码（亮码入企）的比例" in html  # the hover title
    assert "<details>" in html
    assert "上年同期" in html
    assert "数据更新于" in html
    assert 'id="dashboard-data"' in html
    assert "oversight/vendor/echarts.min.js" in html
    assert "http://" not in html.split("<main>")[1].split("dashboard-data")[0].replace(
        "http://testserver", ""
    )


def test_no_data_shows_dash_never_zero_percent(dash):
    dash.rollup()
    html = client_of(dash, "supervisor").get(URL + "?year=2030").content.decode()
    assert "—" in html
    assert "0.0%" not in html
    assert "nan" not in html.lower().replace("nano", "")


def test_agency_officer_sees_own_agency_and_rank(rich):
    response = client_of(rich, "agency_officer").get(URL + YEAR)
    data = response.context["data"]
    agency = rich.lead.contract.agency_id
    assert data["filters"] == {"agency": agency}
    assert [r["id"] for r in data["agencies"]] == [agency]
    assert data["agencies"][0]["rank"] == 1 and data["agencies"][0]["ranked_of"] == 1
    assert data["providers"] == [] and data["localities"] == []
    html = response.content.decode()
    assert "第 1 名 / 共 1 个参与排名" in html
    # another agency's id in the query string changes nothing
    other = rich.other.contract.agency_id
    forced = client_of(rich, "agency_officer").get(URL + YEAR + f"&agency={other}")
    assert forced.context["data"]["filters"] == {"agency": agency}


def test_provider_admin_sees_scorecard_link(rich):
    html = client_of(rich, "provider_admin").get(URL + YEAR).content.decode()
    assert 'id="scorecard-link"' in html


def test_locality_sees_its_area_only(rich):
    data = client_of(rich, "locality").get(URL + YEAR).context["data"]
    visits = next(k for k in data["kpis"] if k["key"] == "visits")
    # v3 went to the other town's enterprise
    assert visits["value"] == 6


def test_locality_without_division_is_refused(rich):
    from zerodisturb.registry.models import Organisation

    org = Organisation.objects.create(county_code=rich.code, kind="locality", name="无属地")
    user = UserFactory(role=Role.LOCALITY, organisation=org)
    assert login_client(user).get(URL).status_code == 403


def test_unknown_drill_down_is_404(rich):
    url = reverse("oversight:records", args=["visit", "nothing"])
    assert client_of(rich, "supervisor").get(url).status_code == 404


def test_period_filters_and_pagination_text(rich):
    client = client_of(rich, "supervisor")
    may = client.get(URL + "?year=2026&period=month&month=5").context["data"]
    visits = next(k for k in may["kpis"] if k["key"] == "visits")
    assert visits["value"] == 2
    url = reverse("oversight:records", args=["visit", "visits"]) + "?year=2026&period=month&month=5"
    html = client.get(url).content.decode()
    assert re.search(r"共 2 条", html)
