"""Real-browser checks: sign in through the login form, read the Chinese home page, switch to
English and back, on a desktop and on a phone. Screenshots go to test-output/screenshots/.

Debian Chromium through Playwright (see zerodisturb/testing/browser.py); live_server gives each
test a transactional database, so the `county` fixture's users are visible to the server thread.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from zerodisturb.testing.browser import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    new_page,
    overlapping,
    screenshot,
    watch_problems,
)
from zerodisturb.testing.factories import PASSWORD

# Role labels as the user sees them in the header, in both languages.
ROLE_LABEL = {
    "supervisor": ("司法局监管人员", "Judicial bureau supervisor"),
    "enterprise": ("企业联系人", "Enterprise contact"),
}
WRONG_PASSWORD_ZH = "用户名或密码错误。连续输错多次后账户将被临时锁定。"
WRONG_PASSWORD_EN = "Incorrect username or password."


def open_login(page, live_server):
    page.goto(f"{live_server.url}/")
    # Anonymous visitors to the home page land on the login form, which remembers where to return.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("main h1")).to_have_text("登录")


def sign_in(page, live_server, username: str, password: str = PASSWORD):
    open_login(page, live_server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def expect_chinese_home(page, live_server, role: str, organisation: str):
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_title("我的待办 · 第三方辅助服务监管平台")
    expect(page.locator("main h1")).to_have_text("我的待办")
    expect(page.locator(".topbar .menu")).to_contain_text("我的待办")
    expect(page.locator(".topbar .menu")).to_contain_text("主体库")
    expect(page.locator("main")).to_contain_text("我可查看的范围")
    who = page.locator(".session .who")
    expect(who).to_contain_text(f"{role}_330282")
    expect(who).to_contain_text(ROLE_LABEL[role][0])
    expect(who).to_contain_text(organisation)
    expect(page.locator("footer")).to_contain_text("谁委托、谁指导、谁负责")
    expect(page.locator('button[data-lang="zh-hans"]')).to_have_class(re.compile(r"\bcurrent\b"))


def switch_to_english(page, role: str):
    page.locator('button[data-lang="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("My to-dos · Third-Party Auxiliary Services Supervision Platform")
    expect(page.locator("main h1")).to_have_text("My to-dos")
    expect(page.locator(".topbar .menu")).to_contain_text("Registry")
    expect(page.locator("main")).to_contain_text("What I can view")
    expect(page.locator(".session .who")).to_contain_text(ROLE_LABEL[role][1])
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator('button[data-lang="en"]')).to_have_class(re.compile(r"\bcurrent\b"))
    # No Chinese UI text is left over once English is chosen (user data such as names may be).
    for chinese in ("我的待办", "主体库", "我可查看的范围", "退出", ROLE_LABEL[role][0]):
        expect(page.locator("body")).not_to_contain_text(chinese)


def switch_to_chinese(page):
    page.locator('button[data-lang="zh-hans"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text("我的待办")
    expect(page.get_by_role("button", name="退出")).to_be_visible()


@pytest.mark.browser
def test_two_roles_sign_in_and_switch_language(live_server, county, browser):
    organisations = {
        "supervisor": county.orgs["judicial"].name,
        "enterprise": county.orgs["enterprise"].name,
    }
    pages = {role: new_page(browser, **DESKTOP) for role in ROLE_LABEL}
    problems = {role: watch_problems(page) for role, page in pages.items()}
    try:
        for role, page in pages.items():
            sign_in(page, live_server, f"{role}_330282")
            expect_chinese_home(page, live_server, role, organisations[role])
            screenshot(page, f"desktop-{role}-home-zh")

        # What each role may open differs: only the supervisor has bulk import and the audit trail.
        expect(pages["supervisor"].locator(".topbar .menu")).to_contain_text("审计日志")
        expect(pages["supervisor"].locator(".topbar .menu")).to_contain_text("批量导入")
        expect(pages["enterprise"].locator(".topbar .menu")).not_to_contain_text("审计日志")
        expect(pages["enterprise"].locator(".topbar .menu")).not_to_contain_text("批量导入")

        for role, page in pages.items():
            switch_to_english(page, role)
            screenshot(page, f"desktop-{role}-home-en")
            # The language choice belongs to this browser only: the other user still reads Chinese.
            other = pages["enterprise" if role == "supervisor" else "supervisor"]
            other.reload()
            expect(other.locator("main h1")).to_have_text("我的待办")
            switch_to_chinese(page)
            expect_chinese_home(page, live_server, role, organisations[role])

        expect(pages["supervisor"].locator(".topbar .menu")).to_contain_text("审计日志")
        switch_to_english(pages["supervisor"], "supervisor")
        expect(pages["supervisor"].locator(".topbar .menu")).to_contain_text("Audit trail")
        expect(pages["supervisor"].locator(".topbar .menu")).to_contain_text("Bulk import")
        switch_to_chinese(pages["supervisor"])
        assert problems == {"supervisor": [], "enterprise": []}
    finally:
        for page in pages.values():
            page.context.close()


@pytest.mark.browser
def test_enterprise_on_a_phone(live_server, county, browser):
    page = new_page(browser, **PHONE)
    problems = watch_problems(page)
    try:
        open_login(page, live_server)
        assert horizontal_overflow(page) == 0
        screenshot(page, "phone-login-zh")

        sign_in(page, live_server, "enterprise_330282")
        expect_chinese_home(page, live_server, "enterprise", county.orgs["enterprise"].name)
        header = [".topbar .brand", ".topbar .menu", ".topbar .session"]
        assert horizontal_overflow(page) == 0
        assert overlapping(page, header) == []
        assert overlapping(page, [".topbar", "main h1"]) == []
        screenshot(page, "phone-enterprise-home-zh")

        switch_to_english(page, "enterprise")
        assert horizontal_overflow(page) == 0
        assert overlapping(page, header) == []
        screenshot(page, "phone-enterprise-home-en")

        switch_to_chinese(page)
        assert horizontal_overflow(page) == 0
        assert problems == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_wrong_password_shows_the_chinese_error(live_server, county, browser):
    page = new_page(browser, **DESKTOP)
    problems = watch_problems(page)
    try:
        sign_in(page, live_server, "enterprise_330282", "not-the-password")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator(".errorlist")).to_have_text(WRONG_PASSWORD_ZH)
        expect(page.get_by_label("用户名")).to_have_value("enterprise_330282")
        expect(page.get_by_label("密码")).to_have_value("")
        expect(page.locator(".session .who")).to_have_count(0)
        screenshot(page, "desktop-login-wrong-password-zh")

        # The same mistake after choosing English reads in English.
        page.locator('button[data-lang="en"]').click()
        expect(page.locator("main h1")).to_have_text("Sign in")
        page.get_by_label("Username").fill("enterprise_330282")
        page.get_by_label("Password").fill("still-not-it")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".errorlist")).to_contain_text(WRONG_PASSWORD_EN)
        screenshot(page, "desktop-login-wrong-password-en")
        assert problems == []
    finally:
        page.context.close()

    county.users["enterprise"].refresh_from_db()
    assert county.users["enterprise"].failed_logins == 2
