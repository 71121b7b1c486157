"""One commissioned item from draft to an accepted contract, entirely through the browser.

The agency officer applies and submits (and sees another agency's similar item flagged), three
review seats vote on their pages (one on a phone), the other two through the JSON API with a
bearer token, the officer records and files the contract, the judicial bureau returns it once and
then accepts it, and the public page shows the item and the contract without anyone's name.

Debian Chromium through Playwright (zerodisturb/testing/browser.py); live_server gives the test a
transactional database, so the data made here is visible to the server thread and what the pages
change is visible here. Screenshots go to test-output/screenshots/commissioning-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from zerodisturb.accounts.services import issue_api_token
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.models import CommissionedItem, Review
from zerodisturb.contracts.choices import FilingStatus
from zerodisturb.contracts.models import Contract
from zerodisturb.testing.browser import (
    DESKTOP,
    PHONE,
    browser,  # noqa: F401  (pytest fixture)
    horizontal_overflow,
    new_page,
    overlapping,
    screenshot,
    watch_problems,
)
from zerodisturb.testing.commissioning import PDF, item_data, submitted_item
from zerodisturb.testing.factories import PASSWORD

TITLE = "化纤纺织企业消防安全隐患排查技术咨询"
CONTENT = (
    "为化纤纺织企业提供消防安全隐患排查技术咨询服务，随同执法人员入企，"
    "协助梳理电气线路、仓储堆垛等风险点并提出风险提示。"
)
THEIR_TITLE = "化纤企业消防安全隐患排查技术咨询"
CUT_OPINION = "预算偏高，参照同类项目核减至 8 万元"
RETURN_REASON = "服务范围未写明入企须由执法人员陪同，请补充后重新报备。"
SCOPE = "消防安全隐患排查技术咨询，提出风险提示，不出具检查结论"
SCOPE_FIXED = SCOPE + "；入企须由执法人员陪同"


def money(amount: str) -> re.Pattern:
    """80000 shown as 80,000.00 (or without grouping, should the locale drop it)."""
    whole = int(Decimal(amount))
    return re.compile(rf"{whole:,}\.00|{whole}\.00")


class Flow:
    """The browser pages of one test: every page's problems are checked, every context closed."""

    def __init__(self, chromium, live_server):
        self.chromium, self.url = chromium, live_server.url
        self.pages: list = []
        self.problems: dict[str, list[str]] = {}

    def page(self, name: str, device=DESKTOP):
        page = new_page(self.chromium, **device)
        self.pages.append(page)
        self.problems[name] = watch_problems(page)
        return page

    def log_in(self, name: str, user, path: str, device=DESKTOP):
        """A fresh browser for `user`, signed in through the form, landing on `path`."""
        page = self.page(name, device)
        page.goto(f"{self.url}/accounts/login/?next={path}")
        expect(page.locator("main h1")).to_have_text("登录")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(f"{self.url}{path}")
        expect(page.locator(".session .who")).to_contain_text(user.username)
        return page

    def close(self):
        for page in self.pages:
            page.context.close()


def expect_message(page, text):
    expect(page.locator("ul.messages")).to_contain_text(text)


def status_badge(page):
    return page.locator("main h1 .badge").first


def vote_in_page(page, decision: str, opinion: str, amount: str | None = None):
    form = page.locator("#vote")
    expect(form.locator("h2")).to_have_text("本部门表决")
    form.get_by_label(decision, exact=True).check()
    if amount is not None:
        form.get_by_label("核减后金额（元）").fill(amount)
    form.get_by_label("书面意见").fill(opinion)


def api_vote(chromium, live_server, reviewer, item, body: dict) -> dict:
    """POST /api/v1/commissioning/items/<pk>/votes with the reviewer's own bearer token."""
    with transaction.atomic():
        _token, raw = issue_api_token(reviewer, "联审系统对接")
    context = chromium.new_context()
    try:
        response = context.request.post(
            f"{live_server.url}/api/v1/commissioning/items/{item.pk}/votes",
            data=body,
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert response.status == 200, response.text()
        return response.json()
    finally:
        context.close()


@pytest.mark.browser
def test_item_from_draft_to_accepted_contract(live_server, panel, browser, tmp_path):  # noqa: F811
    county = panel.county
    officer, supervisor = panel.officer, panel.supervisor
    provider, staff = county.orgs["provider"], county.staff
    today = timezone.localdate()
    start, end = today + timedelta(days=30), today + timedelta(days=394)
    # Another agency's similar item, already under review: the overlap list must name it.
    theirs = submitted_item(
        panel,
        timezone.now(),
        actor=panel.other_officer,
        title=THEIR_TITLE,
        period_start=start.isoformat(),
        period_end=end.isoformat(),
    )
    judicial_seat, finance_seat, seat2, seat3, seat4 = panel.seats
    pdf = tmp_path / "合同扫描件.pdf"
    pdf.write_bytes(PDF)

    flow = Flow(browser, live_server)
    try:
        # 1. The agency officer applies through the real form, then submits for joint review.
        desk = flow.log_in("officer", officer, "/commissioning/items/new/")
        expect(desk.locator("main h1")).to_have_text("申请委托事项")
        expect(desk.locator("main")).to_contain_text("能少则少")
        desk.get_by_label("委托领域").select_option(label="应急消防")
        desk.get_by_label("事项名称").fill(TITLE)
        desk.get_by_label("服务内容").fill(CONTENT)
        desk.get_by_label("法律依据").fill(item_data(panel)["legal_basis"])
        desk.get_by_label("无法自行完成的理由").fill("本局缺少化纤工艺消防专业技术人员")
        desk.get_by_label("化纤纺织", exact=True).check()
        desk.get_by_label("服务期起").fill(start.isoformat())
        desk.get_by_label("服务期止").fill(end.isoformat())
        desk.get_by_label("申请预算（元）").fill("100000")
        screenshot(desk, "commissioning-01-new-item")
        desk.get_by_role("button", name="保存草稿").click()

        expect(desk).to_have_url(re.compile(r"/commissioning/items/\d+/$"))
        item = CommissionedItem.objects.get(agency=county.orgs["agency"])
        assert desk.url == f"{live_server.url}/commissioning/items/{item.pk}/"
        assert item.status == ItemStatus.DRAFT and item.created_by == officer
        version = item.current_version
        assert (version.title, version.content) == (TITLE, CONTENT)
        assert version.domain.name == "应急消防" and version.target_sectors == ["chemical_fibre"]
        assert (version.period_start, version.period_end) == (start, end)
        assert version.requested_budget == Decimal("100000.00")
        expect_message(desk, f"已保存草稿 {item.number}，核对无误后请提交联审。")
        expect(status_badge(desk)).to_have_text("草稿")
        expect(desk.locator("main h1")).to_contain_text(TITLE)
        expect(desk.locator("main")).to_contain_text("化纤纺织")
        expect(desk.locator("main")).to_contain_text("尚未提交联审。")

        desk.locator("#submit-item").click()
        expect_message(desk, "已提交联审。系统发现 1 个可能重叠的事项")
        expect(status_badge(desk)).to_have_text("已提交")
        overlaps = desk.locator("#overlaps")
        expect(overlaps).to_contain_text(theirs.number)
        expect(overlaps).to_contain_text(THEIR_TITLE)
        expect(overlaps).to_contain_text(county.orgs["other_agency"].name)
        expect(overlaps).to_contain_text("化纤纺织")  # the shared sector by name, not its code
        expect(overlaps).not_to_contain_text("chemical_fibre")
        expect(desk.locator("#reviews tbody tr")).to_have_count(5)
        expect(desk.locator("#reviews")).to_contain_text("待审")
        expect(desk.locator("#vote")).to_have_count(0)  # the applicant never votes
        screenshot(desk, "commissioning-02-submitted-overlaps")
        item.refresh_from_db()
        assert item.status == ItemStatus.SUBMITTED and item.review_due_on
        reviews = Review.objects.filter(version=item.current_version)
        assert sorted(r.department_id for r in reviews) == sorted(s.pk for s in panel.seats)
        assert {r.decision for r in reviews} == {Decision.PENDING}

        # 2. Three seats vote on the item's page; the lead seat follows its notification.
        lead = flow.log_in("lead", panel.reviewers[judicial_seat.pk], "/notifications/")
        expect(lead.locator("main h1")).to_contain_text("通知")
        lead.get_by_role("link", name=f"待联审：{item.number} {TITLE}").click()
        expect(lead).to_have_url(f"{live_server.url}/commissioning/items/{item.pk}/")
        expect(lead.locator("#overlaps")).to_contain_text(theirs.number)
        vote_in_page(lead, "同意", "依据充分，同意委托")
        lead.get_by_role("button", name="提交意见").click()
        expect_message(lead, "已记录本部门的联审意见。")
        expect(status_badge(lead)).to_have_text("联审中")
        expect(lead.locator("#vote")).to_have_count(0)
        screenshot(lead, "commissioning-03-lead-approved")
        item.refresh_from_db()
        assert item.status == ItemStatus.UNDER_REVIEW
        assert reviews.get(department=judicial_seat).decision == Decision.APPROVE

        finance = flow.log_in(
            "finance", panel.reviewers[finance_seat.pk], f"/commissioning/items/{item.pk}/"
        )
        vote_in_page(finance, "核减预算后同意", CUT_OPINION, amount="80000")
        screenshot(finance, "commissioning-04-finance-cut-form")
        finance.get_by_role("button", name="提交意见").click()
        expect_message(finance, "已记录本部门的联审意见。")
        cut_row = finance.locator("#reviews tbody tr", has_text=finance_seat.name)
        expect(cut_row).to_contain_text("核减预算后同意")
        expect(cut_row).to_contain_text(money("80000"))
        expect(cut_row).to_contain_text(CUT_OPINION)
        review = reviews.get(department=finance_seat)
        assert review.decision == Decision.APPROVE_CUT
        assert review.approved_amount == Decimal("80000.00") and review.opinion == CUT_OPINION

        # The third seat's reviewer votes on a phone.
        phone = flow.log_in(
            "seat2", panel.reviewers[seat2.pk], f"/commissioning/items/{item.pk}/", PHONE
        )
        vote_in_page(phone, "同意", "同意，入企须由执法人员陪同")
        phone.locator("#vote").scroll_into_view_if_needed()
        assert horizontal_overflow(phone) == 0
        vote_parts = ["#vote h2", "#field-decision", "#field-amount", "#field-opinion"]
        assert overlapping(phone, [*vote_parts, "#vote button.primary"]) == []
        screenshot(phone, "commissioning-phone-vote-form")
        phone.get_by_role("button", name="提交意见").click()
        expect_message(phone, "已记录本部门的联审意见。")
        assert reviews.get(department=seat2).decision == Decision.APPROVE

        # The last two seats answer through the JSON API; the fourth also cuts, but less.
        body = api_vote(
            browser,
            live_server,
            panel.reviewers[seat3.pk],
            item,
            {"decision": "approve", "opinion": "同意"},
        )
        assert body["status"] == "under_review"
        body = api_vote(
            browser,
            live_server,
            panel.reviewers[seat4.pk],
            item,
            {"decision": "approve_cut", "opinion": "建议控制在 9 万元以内", "amount": "90000"},
        )
        assert body["status"] == "approved_reduced" and body["approved_budget"] == "80000.00"
        item.refresh_from_db()
        assert item.status == ItemStatus.APPROVED_REDUCED
        assert item.approved_budget == Decimal("80000.00")
        assert not reviews.filter(decision=Decision.PENDING).exists()

        # 3. The officer reads the outcome (the lowest amount) and records the contract.
        desk.reload()
        expect(status_badge(desk)).to_have_text("核减后批准")
        finance_box = desk.locator("#finance")
        expect(finance_box.locator(".stat", has_text="批准预算（元）")).to_contain_text(
            money("80000")
        )
        expect(finance_box.locator(".stat", has_text="尚可签约（元）")).to_contain_text(
            money("80000")
        )
        expect(desk.locator("#reviews")).not_to_contain_text("待审")
        screenshot(desk, "commissioning-05-approved-reduced")

        desk.locator("#record-contract").click()
        expect(desk).to_have_url(f"{live_server.url}/contracts/new/{item.pk}/")
        expect(desk.locator("main h1")).to_have_text("登记合同")
        expect(desk.locator("main .card").first).to_contain_text("本合同最多（元）")
        expect(desk.locator("main .card b").first).to_have_text(money("80000"))
        desk.get_by_label("第三方机构").select_option(label=provider.name)
        desk.get_by_label(staff.name, exact=True).check()
        desk.get_by_label("合同金额（元）").fill("76000")
        desk.get_by_label("签订日期").fill(today.isoformat())
        desk.get_by_label("履行期起").fill(start.isoformat())
        desk.get_by_label("履行期止").fill(end.isoformat())
        desk.get_by_label("服务范围").fill(SCOPE)
        expect(desk.get_by_label("承诺不将服务转委托给其他机构")).to_be_checked()
        desk.get_by_label("合同扫描件（PDF）").set_input_files(pdf)
        screenshot(desk, "commissioning-06-contract-form")
        desk.get_by_role("button", name="保存").click()

        expect(desk).to_have_url(re.compile(r"/contracts/\d+/$"))
        contract = Contract.objects.get(item=item)
        current = contract.current_version
        expect_message(desk, f"合同 {contract.number} 已登记，请在")
        expect(status_badge(desk)).to_have_text("已登记未备案")
        assert contract.provider == provider and contract.agency == item.agency
        assert current.filing_status == FilingStatus.RECORDED
        assert current.amount == Decimal("76000.00") and current.signed_on == today
        assert (current.term_start, current.term_end, current.scope) == (start, end, SCOPE)
        assert list(current.staff.all()) == [staff] and current.no_subentrustment
        assert current.pdf and current.pdf.read() == PDF and len(current.pdf_sha256) == 64
        version_card = desk.locator("#version-1")
        expect(version_card).to_contain_text(money("76000"))
        expect(version_card).to_contain_text(staff.name)
        expect(version_card.get_by_role("link", name="下载 PDF")).to_be_visible()

        desk.locator("#file-contract").click()
        expect_message(desk, "已报备司法局，等待审查。")
        expect(status_badge(desk)).to_have_text("已报备待审查")
        expect(desk.locator("#file-contract")).to_have_count(0)
        current.refresh_from_db()
        assert current.filing_status == FilingStatus.FILED and current.first_filed_at

        # 4. The judicial bureau returns it once; the officer corrects and files again.
        bureau = flow.log_in("supervisor", supervisor, f"/contracts/{contract.pk}/")
        expect(bureau.locator("#accept-filing")).to_have_text("备案通过")
        expect(bureau.locator("#return h2")).to_have_text("退回修改")
        bureau.locator("#return").get_by_label("退回理由").fill(RETURN_REASON)
        bureau.get_by_role("button", name="退回", exact=True).click()
        expect_message(bureau, "已退回修改。")
        expect(status_badge(bureau)).to_have_text("退回修改")
        expect(bureau.locator("#version-1")).to_contain_text(RETURN_REASON)
        screenshot(bureau, "commissioning-07-returned")
        current.refresh_from_db()
        assert current.filing_status == FilingStatus.RETURNED
        assert current.return_reason == RETURN_REASON and current.decided_by == supervisor

        desk.reload()
        expect(status_badge(desk)).to_have_text("退回修改")
        expect(desk.locator("#version-1")).to_contain_text(RETURN_REASON)
        desk.get_by_role("link", name="修改", exact=True).click()
        expect(desk.locator("main h1")).to_have_text(f"修改合同 {contract.number}")
        expect(desk.get_by_label("服务范围")).to_have_value(SCOPE)
        desk.get_by_label("服务范围").fill(SCOPE_FIXED)
        desk.get_by_role("button", name="保存").click()
        expect_message(desk, "合同已修改。")
        expect(desk.locator("#version-1")).to_contain_text(SCOPE_FIXED)
        current.refresh_from_db()
        assert current.scope == SCOPE_FIXED and current.filing_status == FilingStatus.RETURNED
        assert current.pdf_sha256  # the scan uploaded first is kept
        desk.locator("#file-contract").click()
        expect_message(desk, "已报备司法局，等待审查。")
        expect(status_badge(desk)).to_have_text("已报备待审查")
        screenshot(desk, "commissioning-08-filed-again")
        current.refresh_from_db()
        assert current.filing_status == FilingStatus.FILED

        bureau.reload()
        expect(bureau.locator("#version-1")).to_contain_text(SCOPE_FIXED)
        bureau.locator("#accept-filing").click()
        expect_message(bureau, "备案已通过。")
        expect(status_badge(bureau)).to_have_text("备案通过")
        expect(bureau.locator("#accept-filing")).to_have_count(0)
        expect(bureau.locator("#return")).to_have_count(0)
        screenshot(bureau, "commissioning-09-accepted")
        contract.refresh_from_db()
        assert contract.current_version.filing_status == FilingStatus.ACCEPTED
        assert contract.accepted_version_id == contract.current_version_id

        # The item's page on the officer's phone: outcome, budget used and the contract.
        mobile = flow.log_in("officer-phone", officer, f"/commissioning/items/{item.pk}/", PHONE)
        expect(status_badge(mobile)).to_have_text("核减后批准")
        expect(mobile.locator("main")).to_contain_text(contract.number)
        expect(mobile.locator("#finance .stat", has_text="尚可签约（元）")).to_contain_text(
            money("4000")
        )
        assert horizontal_overflow(mobile) == 0
        assert overlapping(mobile, [".topbar", "main h1"]) == []
        assert overlapping(mobile, ["main h1", "main .actions"]) == []
        screenshot(mobile, "commissioning-phone-item-detail")

        # 5. Anyone, signed out, sees the approved item and the accepted contract, no names.
        public = flow.page("public")
        public.goto(f"{live_server.url}/public/")
        expect(public.locator("main h1")).to_have_text("公示")
        expect(public.locator(".session .who")).to_have_count(0)
        item_row = public.locator("table").nth(0).locator("tbody tr", has_text=item.number)
        expect(item_row).to_contain_text(county.orgs["agency"].name)
        expect(item_row).to_contain_text("应急消防")
        expect(item_row).to_contain_text(TITLE)
        expect(item_row).to_contain_text(money("80000"))
        contract_row = public.locator("table").nth(1).locator("tbody tr", has_text=contract.number)
        expect(contract_row).to_contain_text(provider.name)
        expect(contract_row).to_contain_text(money("76000"))
        expect(contract_row).to_contain_text(f"{start:%Y-%m-%d} — {end:%Y-%m-%d}")
        expect(contract_row).to_contain_text(SCOPE_FIXED)
        body_text = public.locator("body")
        expect(body_text).not_to_contain_text(theirs.number)  # still under review
        people = [staff.name, officer.username, supervisor.username]
        people += [user.username for user in panel.reviewers.values()]
        for name in people:
            expect(body_text).not_to_contain_text(name)
        screenshot(public, "commissioning-10-public")

        assert flow.problems == {name: [] for name in flow.problems}
    finally:
        flow.close()
