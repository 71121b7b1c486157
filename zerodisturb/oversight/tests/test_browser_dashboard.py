"""A supervisor opens the dashboard in Chromium, sees the charts drawn, changes the period, clicks
a figure and lands on the records behind it. Screenshots go to <var dir>/screenshots/."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from zerodisturb.oversight.tests.rich import fill
from zerodisturb.testing.browser import (
    DESKTOP,
    PHONE,
    browser,  # noqa: F401  (pytest fixture)
    horizontal_overflow,
    new_page,
    watch_problems,
)
from zerodisturb.testing.factories import PASSWORD

CHARTS = ["chart-monthly", "chart-agencies", "chart-providers", "chart-localities"]


def shot(target, name: str):
    folder = django_settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if hasattr(target, "goto"):
        target.screenshot(path=str(path), full_page=True)
    else:
        target.screenshot(path=str(path))
    return path


def colours(png_path) -> int:
    """How many distinct colours a screenshot holds (a blank chart has one or two)."""
    from PIL import Image

    with Image.open(io.BytesIO(png_path.read_bytes())) as img:
        return len(img.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def sign_in(page, base, user):
    page.goto(f"{base}/oversight/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def charts_drawn(page, name):
    for chart in CHARTS:
        canvas = page.locator(f"#{chart} canvas").first
        expect(canvas).to_be_visible()
        size = page.evaluate(
            "id => document.querySelector('#' + id + ' canvas').toDataURL().length", chart
        )
        assert size > 5000, (chart, size)
        assert colours(shot(page.locator(f"#{chart}"), f"{name}-{chart[6:]}")) > 20, chart


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_dashboard_period_and_drill_down(live_server, dash, browser):  # noqa: F811
    fill(dash)
    supervisor = dash.county.users["supervisor"]
    page = new_page(browser, **DESKTOP)
    problems = watch_problems(page)
    sign_in(page, live_server.url, supervisor)

    expect(page.locator("main h1")).to_contain_text("监管看板")
    expect(page.locator("#freshness")).to_contain_text("数据更新于")
    expect(page.locator("#kpi-visits b")).to_have_text("7")
    expect(page.locator("#kpi-code_shown_rate")).to_have_attribute(
        "title", "期内入企中，企业扫到有效二维码（亮码入企）的比例"
    )
    charts_drawn(page, "oversight-dashboard-year")
    shot(page, "oversight-dashboard-year")

    # May 2026 only.
    page.locator("#f-period").select_option("month")
    page.locator("#f-month").select_option("5")
    page.locator("#apply-filters").click()
    expect(page).to_have_url(re.compile(r"period=month&.*month=5"))
    expect(page.locator("main h1")).to_contain_text("2026 年 5 月")
    expect(page.locator("#kpi-visits b")).to_have_text("2")
    charts_drawn(page, "oversight-dashboard-may")
    shot(page, "oversight-dashboard-may")

    # The figure opens the records behind it: the same two visits.
    page.locator("#kpi-visits a.drill").click()
    expect(page.locator("main h1")).to_contain_text("入企次数")
    expect(page.locator("#record-count")).to_have_text("共 2 条")
    expect(page.locator("#records tbody tr")).to_have_count(2)
    shot(page, "oversight-records-may")

    # A rate's numerator opens the visits shown without a code … one of the two.
    page.go_back()
    page.locator("#kpi-code_shown_rate a.drill-den").click()
    expect(page.locator("#record-count")).to_have_text("共 2 条")
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_on_a_phone(live_server, dash, browser):  # noqa: F811
    fill(dash)
    page = new_page(browser, **PHONE)
    problems = watch_problems(page)
    sign_in(page, live_server.url, dash.county.users["oversight"])
    expect(page.locator("#kpi-visits b")).to_have_text("7")
    # The definition opens with a tap on a phone (no hover there).
    details = page.locator("#kpi-satisfaction_rate details")
    details.locator("summary").click()
    expect(details).to_contain_text("非常满意")
    assert horizontal_overflow(page) == 0
    charts_drawn(page, "oversight-dashboard-phone")
    shot(page, "oversight-dashboard-phone")
    assert problems == []
