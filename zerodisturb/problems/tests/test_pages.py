"""The pool's list (filters, anonymity), detail with its steps, to-dos and the API."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from zerodisturb.problems.models import ProblemState
from zerodisturb.web.todos import todos_for


def test_supervisor_filters_by_kind_provider_and_state(as_role, county, pool):
    client = as_role("supervisor")
    page = client.get(reverse("problems:list")).content.decode()
    assert "入企差评整改" in page and "投诉：要求购买服务" in page and "入企未亮码" in page
    page = client.get(reverse("problems:list"), {"kind": "complaint"}).content.decode()
    assert "投诉：要求购买服务" in page and "入企未亮码" not in page
    provider = county.orgs["other_provider"].pk
    page = client.get(reverse("problems:list"), {"provider": provider}).content.decode()
    assert "入企未亮码" in page and "投诉：要求购买服务" not in page
    pool["alert"].state = ProblemState.CLOSED
    pool["alert"].save()
    page = client.get(reverse("problems:list")).content.decode()
    assert "入企未亮码" not in page  # the default view is what is still open
    page = client.get(reverse("problems:list"), {"state": "all"}).content.decode()
    assert "入企未亮码" in page


def test_overdue_filter_and_badge(as_role, county, pool):
    pool["complaint"].deadline = timezone.localdate() - timedelta(days=1)
    pool["complaint"].save()
    page = as_role("supervisor").get(reverse("problems:list"), {"overdue": "on"}).content.decode()
    assert "投诉：要求购买服务" in page and "入企差评整改" not in page and "逾期" in page


def test_provider_sees_its_bad_review_without_the_enterprise(as_role, county, pool):
    client = as_role("provider_admin")
    page = client.get(reverse("problems:list")).content.decode()
    assert "入企差评整改" in page and "（匿名）" in page
    detail = client.get(reverse("problems:detail", args=[pool["bad"].pk])).content.decode()
    assert county.orgs["enterprise"].name not in detail
    assert client.get(reverse("problems:detail", args=[pool["alert"].pk])).status_code == 404


def test_detail_shows_the_steps(as_role, pool):
    page = as_role("agency_officer").get(reverse("problems:detail", args=[pool["complaint"].pk]))
    assert page.status_code == 200
    assert "已受理" in page.content.decode()


def test_roles_without_a_pool_are_refused(as_role):
    assert as_role("reviewer").get(reverse("problems:list")).status_code == 403
    assert as_role("provider_staff").get(reverse("problems:list")).status_code == 403


def test_owned_problems_are_on_the_home_page(county, pool):
    titles = [t.title for t in todos_for(county.users["provider_admin"])]
    assert "本单位待办的问题" in titles
    assert not any("问题" in t for t in [t.title for t in todos_for(county.users["enterprise"])])


def test_api_lists_the_callers_share_and_hides_the_enterprise(api_as, county, pool):
    body = api_as("provider_admin").get("/api/v1/problems").json()
    titles = {item["title"]: item for item in body["items"]}
    assert set(titles) == {"入企差评整改", "投诉：要求购买服务"}
    assert titles["入企差评整改"]["enterprise"] is None
    assert titles["投诉：要求购买服务"]["enterprise"] is None
    officer = api_as("agency_officer").get("/api/v1/problems").json()["items"]
    assert {item["enterprise"] for item in officer} == {county.orgs["enterprise"].name}
    detail = api_as("supervisor").get(f"/api/v1/problems/{pool['bad'].pk}").json()
    assert detail["enterprise"] == county.orgs["enterprise"].name
    assert detail["steps"][0]["stage"] == "待机构整改"
    assert api_as("reviewer").get("/api/v1/problems").status_code == 403
    missing = api_as("provider_admin").get(f"/api/v1/problems/{pool['alert'].pk}")
    assert missing.status_code == 404


def test_api_filters(api_as, pool):
    body = api_as("supervisor").get("/api/v1/problems", {"kind": "alert"}).json()
    assert [item["title"] for item in body["items"]] == ["入企未亮码"]
    assert body["count"] == 1
