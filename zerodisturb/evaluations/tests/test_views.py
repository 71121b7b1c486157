"""The pages: the enterprise rates on its phone, errors next to the field, the ticket's step forms
for each role, and the to-dos that lead there."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from zerodisturb.conftest import login_client
from zerodisturb.evaluations.choices import RectificationStatus as S
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.evaluations.tests.conftest import BAD, rate
from zerodisturb.evaluations.todos import TODO_SOURCES

pytestmark = pytest.mark.django_db

FORM = {
    "level": "2",
    "attitude": "2",
    "professionalism": "3",
    "code_shown": "yes",
    "officer_present": "yes",
    "nothing_sold": "no",
    "burden": "2",
    "text": "推销检测服务 <script>alert(1)</script>",
}


def todos(user) -> dict:
    return {t.title: t for source in TODO_SOURCES for t in source(user)}


def test_amending_after_the_window_leads_back_with_a_message(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit)  # in May: the window has closed
    client = login_client(rated_world.world.enterprise_user)
    response = client.get(f"/evaluations/{evaluation.pk}/amend/", follow=True)
    assert "超过修改期限" in response.content.decode()
    refused = client.post(f"/evaluations/{evaluation.pk}/amend/", FORM)
    assert refused.status_code == 400 and "7 天内修改" in refused.content.decode()


def test_the_enterprise_finds_the_visit_to_rate(rated_world):
    user = rated_world.world.enterprise_user
    assert todos(user)["待评价的入企服务"].count == 1
    html = login_client(user).get("/evaluations/").content.decode()
    assert "待评价的入企服务" in html
    assert f"/evaluations/visit/{rated_world.visit.pk}/" in html


def test_the_form_has_the_five_levels_and_the_dimensions(rated_world):
    client = login_client(rated_world.world.enterprise_user)
    html = client.get(f"/evaluations/visit/{rated_world.visit.pk}/").content.decode()
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert label in html
    for label in ("服务态度", "专业水平", "主动亮码", "陪同", "推销", "负担很重", "具体意见"):
        assert label in html
    assert 'name="viewport"' in html


def test_errors_show_next_to_their_field(rated_world):
    client = login_client(rated_world.world.enterprise_user)
    url = f"/evaluations/visit/{rated_world.visit.pk}/"
    response = client.post(url, FORM | {"level": "6", "text": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="field-level"' in html and "只能选 1–5 级" in html
    response = client.post(url, FORM | {"text": ""})
    assert "请在“具体意见”中写明不满意的原因" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_bad_review_through_the_pages_and_script_shown_as_text(rated_world):
    client = login_client(rated_world.world.enterprise_user)
    response = client.post(f"/evaluations/visit/{rated_world.visit.pk}/", FORM)
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response.url == f"/evaluations/{evaluation.pk}/"
    html = client.get(response.url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "修改评价" in html
    # A second visit to the form leads back to the evaluation.
    again = client.get(f"/evaluations/visit/{rated_world.visit.pk}/")
    assert again.status_code == 302 and again.url == f"/evaluations/{evaluation.pk}/"


def test_amend_page(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit, now=timezone.now())
    client = login_client(rated_world.world.enterprise_user)
    page = client.get(f"/evaluations/{evaluation.pk}/amend/").content.decode()
    assert "修改评价" in page and re.search(r'name="level" value="4"[^>]*checked', page)
    response = client.post(f"/evaluations/{evaluation.pk}/amend/", FORM | {"level": "5"})
    assert response.status_code == 400  # 非常满意 with 服务态度 较差
    response = client.post(
        f"/evaluations/{evaluation.pk}/amend/", FORM | {"level": "5", "attitude": "5"}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.level == 5


def test_the_ticket_pages_take_each_step(rated_world):
    rate(rated_world.world, rated_world.visit, **BAD)
    ticket = Rectification.objects.get()
    url = f"/evaluations/rectifications/{ticket.pk}/"
    provider = login_client(rated_world.user("provider_admin"))
    assert todos(rated_world.user("provider_admin"))["待说明原因和措施的差评整改"].count == 1
    assert 'id="answer-form"' in provider.get(url).content.decode()
    empty = provider.post(f"{url}answer/", {"cause": "", "measures": ""})
    assert empty.status_code == 400 and "请填写“原因说明”" in empty.content.decode()
    provider.post(f"{url}answer/", {"cause": "沟通不当", "measures": "更换人员并培训"})

    agency = login_client(rated_world.user("agency_officer"))
    assert 'id="callback-form"' in agency.get(url).content.decode()
    agency.post(f"{url}callback/", {"result": "电话回访，企业认可"})

    enterprise = login_client(rated_world.world.enterprise_user)
    html = enterprise.get(url).content.decode()
    assert 'id="respond-form"' in html and "电话回访，企业认可" in html
    enterprise.post(f"{url}respond/", {"accepts": "yes"})
    ticket.refresh_from_db()
    assert ticket.status == S.ACCEPTED
    assert "企业认可（已办结）" in provider.get(url).content.decode()


def test_dispute_and_decision_through_the_pages(rated_world):
    rate(rated_world.world, rated_world.visit, **BAD)
    ticket = Rectification.objects.get()
    url = f"/evaluations/rectifications/{ticket.pk}/"
    login_client(rated_world.user("provider_admin")).post(
        f"{url}answer/", {"cause": "原因", "measures": "措施"}
    )
    login_client(rated_world.user("agency_officer")).post(f"{url}callback/", {"result": "回访"})
    enterprise = login_client(rated_world.world.enterprise_user)
    refused = enterprise.post(f"{url}respond/", {"accepts": "no", "reason": ""})
    assert refused.status_code == 400 and "不认可的理由" in refused.content.decode()
    enterprise.post(f"{url}respond/", {"accepts": "no", "reason": "措施没有落实"})
    supervisor = rated_world.user("supervisor")
    assert todos(supervisor)["有争议的差评整改"].count == 1
    client = login_client(supervisor)
    assert 'id="decide-form"' in client.get(url).content.decode()
    client.post(f"{url}decide/", {"decision": "约谈机构负责人"})
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED


@pytest.mark.parametrize(
    "role", ["supervisor", "oversight", "agency_officer", "provider_admin", "locality"]
)
def test_lists_render_for_each_role(rated_world, role):
    rate(rated_world.world, rated_world.visit, **BAD)
    client = login_client(rated_world.user(role))
    assert client.get("/evaluations/").status_code == 200
    listing = client.get("/evaluations/rectifications/?status=open&overdue=on")
    assert listing.status_code == 200


def test_no_menu_entry_no_page(rated_world):
    client = login_client(rated_world.user("provider_staff"))
    assert client.get("/evaluations/").status_code == 403
