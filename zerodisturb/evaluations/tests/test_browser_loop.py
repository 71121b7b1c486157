"""The bad-review loop in a browser: the enterprise rates a visit 不满意 on its phone, the provider
answers the ticket, the agency records the call-back, the enterprise accepts. Screenshots go to
test-output/screenshots/evaluation-*.png. Skipped where Debian Chromium is not installed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zerodisturb.evaluations.choices import RectificationStatus
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.testing.browser import (
    DESKTOP,
    PHONE,
    browser,  # noqa: F401  (pytest fixture)
    horizontal_overflow,
    new_page,
    screenshot,
    watch_problems,
)
from zerodisturb.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user, path: str, device=PHONE):  # noqa: F811
    page = new_page(browser, **device)
    problems = watch_problems(page)
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".session .who")).to_contain_text(user.username)
    return page, problems


def test_bad_review_answered_called_back_and_accepted(browser, live_server, rated_world):  # noqa: F811
    world = rated_world.world
    enterprise, problems = signed_in(browser, live_server, world.enterprise_user, "/evaluations/")
    expect(enterprise.locator("#to-rate")).to_be_visible()
    enterprise.get_by_role("link", name="去评价").click()
    # Measure the form once it has loaded, not the page the click is leaving.
    expect(enterprise.get_by_role("button", name="提交评价")).to_be_visible()
    assert horizontal_overflow(enterprise) == 0
    screenshot(enterprise, "evaluation-1-form-phone")
    enterprise.get_by_label("不满意", exact=True).check()
    for name, value in (("attitude", "2"), ("professionalism", "3"), ("burden", "2")):
        enterprise.locator(f"#id_{name} input[value='{value}']").check()
    for name, value in (("code_shown", "yes"), ("officer_present", "yes"), ("nothing_sold", "no")):
        enterprise.locator(f"#id_{name} input[value='{value}']").check()
    enterprise.get_by_label("具体意见").fill("服务人员推销检测服务，占用了半天生产时间")
    enterprise.get_by_role("button", name="提交评价").click()
    expect(enterprise.locator("#level")).to_contain_text("不满意")
    screenshot(enterprise, "evaluation-2-submitted-phone")
    ticket = Rectification.objects.get()
    assert Evaluation.objects.get().level == 2

    provider, provider_problems = signed_in(
        browser, live_server, rated_world.user("provider_admin"), "/evaluations/rectifications/"
    )
    provider.get_by_role("link", name=ticket.number).click()
    expect(provider.locator("body")).not_to_contain_text(world.enterprise.name)
    provider.get_by_label("原因说明").fill("服务人员未遵守不得推销的规定")
    provider.get_by_label("整改措施").fill("已对该人员停岗培训，并在全员会上通报")
    provider.get_by_role("button", name="提交答复").click()
    expect(provider.locator("#status")).to_contain_text("待机关回访")
    screenshot(provider, "evaluation-3-provider-answered-phone")

    agency, agency_problems = signed_in(
        browser,
        live_server,
        rated_world.user("agency_officer"),
        f"/evaluations/rectifications/{ticket.pk}/",
        DESKTOP,
    )
    expect(agency.locator("#enterprise")).to_contain_text(world.enterprise.name)
    agency.get_by_label("回访情况").fill("电话回访企业负责人，企业认可整改措施")
    agency.get_by_role("button", name="记录回访情况").click()
    expect(agency.locator("#status")).to_contain_text("待企业确认")
    screenshot(agency, "evaluation-4-agency-called-back")

    enterprise.goto(f"{live_server.url}/evaluations/rectifications/{ticket.pk}/")
    enterprise.get_by_role("button", name="认可整改结果").click()
    expect(enterprise.locator("#status")).to_contain_text("企业认可（已办结）")
    screenshot(enterprise, "evaluation-5-accepted-phone")
    ticket.refresh_from_db()
    assert ticket.status == RectificationStatus.ACCEPTED
    assert problems + provider_problems + agency_problems == []
