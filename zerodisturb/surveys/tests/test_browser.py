"""Browser: an enterprise contact answers on a phone from the notification's link while the bureau
watches the response rate update by itself (htmx polling), then sees the result.

Debian Chromium through Playwright (zerodisturb/testing/browser.py); skipped without Chromium.
Nothing sleeps: Playwright's expect waits for the poll to bring the new figure.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from zerodisturb.notifications.models import Notification
from zerodisturb.surveys.services import send_survey
from zerodisturb.testing.browser import (
    PHONE,
    browser,  # noqa: F401  (pytest fixture)
    horizontal_overflow,
    new_page,
    screenshot,
    watch_problems,
)
from zerodisturb.testing.factories import PASSWORD

from .conftest import build_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MIN_TAP_HEIGHT = 44


def log_in(page, base, user, next_url):
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_answer_on_a_phone_while_the_bureau_watches(live_server, browser, world):  # noqa: F811
    survey = send_survey(world.bureau, build_survey(world), localities=[world.county.town])
    link = Notification.objects.get(recipient=world.users["xingke"]).link

    bureau = new_page(browser)
    bureau_problems = watch_problems(bureau)
    log_in(bureau, live_server.url, world.bureau, f"/surveys/{survey.pk}/")
    expect(bureau.locator("#rate-total")).to_have_text("0.0%")

    phone = new_page(browser, **PHONE)
    phone_problems = watch_problems(phone)
    log_in(phone, live_server.url, world.users["xingke"], link)
    expect(phone.locator("h1")).to_have_text(survey.title)
    assert horizontal_overflow(phone) == 0
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_label("明显减少").check()
    phone.get_by_label("亮码入企").check()
    submit = phone.get_by_role("button", name="提交答卷")
    assert submit.bounding_box()["height"] >= MIN_TAP_HEIGHT
    screenshot(phone, "survey-answer-phone")
    submit.click()
    expect(phone.locator("#answered")).to_be_visible()
    expect(phone.locator("#my-answer")).to_contain_text("亮码入企")

    # The bureau's page was not reloaded: the fragment's poll brings 1 of 2.
    expect(bureau.locator("#rate-total")).to_have_text("50.0%", timeout=15_000)
    bureau.reload()
    expect(bureau.locator("#result-1 .satisfaction")).to_have_text("100.0%")
    screenshot(bureau, "survey-results")
    assert bureau_problems == [] and phone_problems == []
