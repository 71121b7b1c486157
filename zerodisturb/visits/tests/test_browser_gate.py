"""亮码入企 at the gate, on two phones: the staff member shows the live code, the enterprise scans it.

The provider's staff member signs in on a phone and opens the visit's code page; the QR code on
the screen is photographed (an element screenshot) and decoded with zbarimg, as a phone camera
would. The enterprise contact opens the decoded URL in another phone's browser, reads the Chinese
verification page, signs in through the page's own link, confirms arrival and then departure;
afterwards the same code is refused and the staff member's code page no longer shows a code.
Anyone can check the credential number on /verify/ and sees only a masked name.

Debian Chromium through Playwright (zerodisturb/testing/browser.py); live_server gives the test a
transactional database. Screenshots go to test-output/screenshots/事中-*.png.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from zerodisturb.audit.models import AuditEvent
from zerodisturb.registry.choices import PersonKind
from zerodisturb.roles import Role
from zerodisturb.testing.browser import (
    PHONE,
    SCREENSHOTS,
    browser,  # noqa: F401  (pytest fixture)
    horizontal_overflow,
    new_page,
    overlapping,
    watch_problems,
)
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401  (pytest fixture)
from zerodisturb.testing.during import (
    contract_in_force,
    credential_for,
    officer_user,
    visit_today,
)
from zerodisturb.testing.factories import PASSWORD, PersonFactory, UserFactory
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import ScanLog

STAFF_NAME = "王晓明"
AGENCY = "慈溪市应急管理局"
LEGAL_BASIS = "《中华人民共和国消防法》第五条"
# Buttons a thumb has to hit at the gate: at least this tall, in CSS pixels.
MIN_TAP_HEIGHT = 44


def shot(page, name: str) -> Path:
    """Full-page PNG in test-output/screenshots/<name>.png (the brief's Chinese file names)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def zbar(png: Path) -> str:
    """What a phone camera would read from the picture: zbarimg's raw text, one code."""
    out = subprocess.run(
        [shutil.which("zbarimg") or "zbarimg", "-q", "--raw", str(png)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return out.stdout.strip()


def log_in(page, user):
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".session .who")).to_contain_text(user.username)


def fits_the_phone(page):
    assert horizontal_overflow(page) == 0, page.url
    assert overlapping(page, [".topbar", "main h1", "#verdict", "#confirm", "#live-code"]) == []


def big_enough(button):
    box = button.bounding_box()
    assert box["height"] >= MIN_TAP_HEIGHT and box["width"] >= 300, box


@pytest.mark.browser
def test_code_shown_scanned_confirmed_on_phones(
    live_server,
    panel,
    browser,  # noqa: F811
    settings,
    tmp_path,
):
    settings.SITE_URL = live_server.url  # the QR code points at this server
    cache.clear()  # the public scan and verify pages are rate-limited per client
    county = panel.county
    person = PersonFactory(
        county_code=panel.code,
        organisation=county.orgs["provider"],
        kind=PersonKind.STAFF,
        name=STAFF_NAME,
    )
    staff_user = UserFactory(
        username="staff_phone",
        role=Role.PROVIDER_STAFF,
        organisation=county.orgs["provider"],
        person=person,
    )
    contract = contract_in_force(panel, staff=[person.pk])
    credential = credential_for(panel, contract, person)
    _escort_user, escort = officer_user(panel)
    visit = visit_today(panel, contract, credential, escort)
    item = contract.item
    enterprise_user = county.users[Role.ENTERPRISE.value]
    base = live_server.url

    staff = new_page(browser, **PHONE)
    gate = new_page(browser, **PHONE)
    public = new_page(browser, **PHONE)
    problems = {
        "staff": watch_problems(staff),
        "gate": watch_problems(gate),
        "public": watch_problems(public),
    }
    try:
        # 1. The staff member signs in on their phone and shows the code.
        code_path = f"/visits/{visit.pk}/code/"
        staff.goto(f"{base}{code_path}")
        expect(staff).to_have_url(re.compile(r"/accounts/login/\?next="))
        log_in(staff, staff_user)
        expect(staff).to_have_url(f"{base}{code_path}")
        expect(staff.locator("main h1")).to_have_text("亮码入企")
        expect(staff.locator("main")).to_contain_text(county.orgs["enterprise"].name)
        qr = staff.locator("#live-code img")
        expect(qr).to_be_visible()
        expect(qr).to_have_attribute("alt", "入企二维码")
        expect(staff.locator("#live-code")).to_contain_text(credential.number)
        expect(staff.locator("#countdown")).to_contain_text("秒自动刷新")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        box = qr.bounding_box()
        assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        fits_the_phone(staff)
        shot(staff, "事中-01-亮码")

        # What the camera sees: the code as drawn on the screen...
        on_screen = tmp_path / "on-screen.png"
        qr.screenshot(path=str(on_screen))
        scanned = zbar(on_screen)
        # ...is the image the page was given.
        src = qr.get_attribute("src")
        assert src.startswith("data:image/png;base64,")
        served = tmp_path / "served.png"
        served.write_bytes(base64.b64decode(src.split(",", 1)[1]))
        assert zbar(served) == scanned
        assert re.fullmatch(rf"{re.escape(base)}/scan/[A-Za-z0-9_\-.:]+", scanned), scanned
        # Leave the code page before its 30-second refresh can run into the departure below.
        staff.get_by_role("link", name="返回入企详情").click()
        expect(staff).to_have_url(f"{base}/visits/{visit.pk}/")

        # 2. The enterprise contact scans it with their own phone: not signed in yet.
        gate.goto(scanned)
        expect(gate.locator("main h1")).to_have_text("入企二维码核验")
        expect(gate.locator("html")).to_have_attribute("lang", "zh-hans")
        verdict = gate.locator("#verdict")
        expect(verdict).to_contain_text("有效")
        expect(verdict).not_to_contain_text("无效")
        party = gate.locator(".party")
        expect(party).to_contain_text(AGENCY)
        expect(party).to_contain_text(item.number)
        expect(party).to_contain_text(item.current_version.title)
        expect(party).to_contain_text(contract.number)
        expect(party).to_contain_text(LEGAL_BASIS)
        expect(party).to_contain_text(credential.number)
        expect(party).to_contain_text("王**")
        expect(party).not_to_contain_text(STAFF_NAME)
        expect(party).to_contain_text(escort.name)
        expect(party.locator(".badge")).to_have_text("本码")
        expect(gate.locator("ul.rules.may")).to_contain_text("技术咨询和风险提示")
        expect(gate.locator("#may-not")).to_contain_text("不得出具检查结论")
        expect(gate.locator("#may-not")).to_contain_text("不得单独检查")
        expect(gate.locator("#rights")).to_contain_text("可以拒绝没有有效二维码的人员入企")
        expect(gate.get_by_role("button", name="确认到场")).to_have_count(0)
        login_link = gate.locator("#login-link")
        expect(login_link).to_have_text("企业联系人登录后确认到场、离场")
        big_enough(login_link)
        fits_the_phone(gate)
        shot(gate, "事中-02-扫码核验")

        # The page's own login link brings the contact back to the same scan.
        login_link.click()
        expect(gate.locator("main h1")).to_have_text("登录")
        log_in(gate, enterprise_user)
        expect(gate).to_have_url(scanned)
        expect(gate.locator("#verdict")).to_contain_text("有效：可以入企")
        arrive = gate.get_by_role("button", name="确认到场")
        big_enough(arrive)
        fits_the_phone(gate)
        arrive.click()
        expect(gate).to_have_url(f"{base}/visits/{visit.pk}/")
        expect(gate.locator("ul.messages")).to_contain_text("已确认到场。")
        expect(gate.locator("main h1")).to_contain_text(visit.number)
        expect(gate.locator("#checked-in")).not_to_have_text("—")
        expect(gate.locator("#checked-out")).to_have_text("—")
        fits_the_phone(gate)
        shot(gate, "事中-03-已到场")

        # Leaving: the same code, scanned again at the door, offers departure only.
        gate.goto(scanned)
        expect(gate.locator("#verdict")).to_contain_text("有效")
        expect(gate.locator("#confirm")).to_contain_text("确认到场。")
        expect(gate.get_by_role("button", name="确认到场")).to_have_count(0)
        leave = gate.get_by_role("button", name="确认离场")
        big_enough(leave)
        fits_the_phone(gate)
        leave.click()
        expect(gate).to_have_url(f"{base}/visits/{visit.pk}/")
        expect(gate.locator("ul.messages")).to_contain_text("已确认离场。")
        expect(gate.locator("#checked-out")).not_to_have_text("—")
        expect(gate.get_by_role("button", name="确认离场")).to_have_count(0)
        fits_the_phone(gate)
        shot(gate, "事中-04-已离场")

        visit.refresh_from_db()
        assert visit.status == VisitStatus.COMPLETED
        assert visit.checked_in_at is not None and visit.checked_out_at is not None
        assert visit.checked_in_at <= visit.checked_out_at
        assert visit.checked_in_by == enterprise_user
        assert visit.checked_out_by == enterprise_user
        assert visit.valid_scan_at is not None
        events = AuditEvent.objects.filter(object_id=str(visit.pk))
        assert events.filter(action="visit.check_in").count() == 1
        assert events.filter(action="visit.check_out").count() == 1

        # The code cannot be used again once the visit has ended.
        gate.goto(scanned)
        verdict = gate.locator("#verdict")
        expect(verdict).to_contain_text("无效")
        expect(verdict).to_contain_text("该次入企已结束，二维码不能再次使用")
        expect(verdict).to_contain_text("企业可以拒绝没有有效二维码的人员入企。")
        expect(gate.locator("#confirm")).to_have_count(0)
        fits_the_phone(gate)
        assert ScanLog.objects.filter(visit=visit, valid=False, code="visit_ended").count() == 1
        assert ScanLog.objects.filter(visit=visit, valid=True).count() == 3

        # And the staff member's phone no longer shows a code (a 403 page, on purpose).
        before = len(problems["staff"])
        staff.goto(f"{base}{code_path}")
        expect(staff.locator("#refused")).to_have_text("已确认离场，入企码不再显示。")
        expect(staff.locator("#live-code")).to_have_count(0)
        intended = problems["staff"][before:]
        assert intended and all("403" in p and code_path in p for p in intended), intended
        del problems["staff"][before:]

        # 3. Anyone can check the number on the credential, without signing in.
        public.goto(f"{base}/verify/{credential.number}")
        expect(public.locator("main h1")).to_have_text("辅助人员证件核验")
        expect(public.locator("#verdict")).to_contain_text("证件有效")
        table = public.locator("main table")
        expect(table).to_contain_text(credential.number)
        expect(table).to_contain_text("王**")
        expect(public.locator("main")).not_to_contain_text(STAFF_NAME)
        expect(table).to_contain_text(county.orgs["provider"].name)
        expect(table).to_contain_text(AGENCY)
        expect(public.locator(".session .who")).to_have_count(0)
        fits_the_phone(public)
        shot(public, "事中-05-证件核验")

        assert problems == {"staff": [], "gate": [], "public": []}
    finally:
        for page in (staff, gate, public):
            page.context.close()
