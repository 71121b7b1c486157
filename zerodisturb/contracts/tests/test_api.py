"""The contract API: record (multipart with the PDF), correct, file, accept, return, amend.

Every transition leaves its audit event; bad input is refused by field with nothing stored; a
provider sees only its own contracts, and only once they are filed.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zerodisturb.audit.models import AuditEvent
from zerodisturb.commissioning.tests.api_world import V1, audit_actions, world
from zerodisturb.contracts.models import Contract, ContractVersion
from zerodisturb.notifications.models import Notification

__all__ = ["world"]  # the fixture

CONTRACTS = f"{V1}/contracts"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def terms(world, **changes) -> dict:
    today = timezone.localdate()
    body = {
        "provider": world.county.orgs["provider"].pk,
        "staff": [world.county.staff.pk],
        "amount": "120000",
        "signed_on": today.isoformat(),
        "term_start": today.isoformat(),
        "term_end": (today + timedelta(days=364)).isoformat(),
        "scope": "危化品储存场所隐患排查技术咨询",
        "no_subentrustment": "true",
        "pdf": SimpleUploadedFile("合同.pdf", PDF, "application/pdf"),
    }
    return {k: v for k, v in (body | changes).items() if v is not None}


def record(world, item_id: int, **changes):
    return world.agency.post(CONTRACTS, terms(world, item=item_id, **changes))


def recorded(world, **changes) -> dict:
    item = world.approved_item()
    response = record(world, item["id"], **changes)
    assert response.status_code == 201, response.json()
    return response.json()


def rows() -> tuple[int, int, int]:
    return Contract.objects.count(), ContractVersion.objects.count(), AuditEvent.objects.count()


def assert_refused(response, field: str, *words: str) -> None:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    for word in words:
        assert word in error["message"], error["message"]


# ----------------------------------------------------------------------------- transitions


def test_record_stores_the_contract_with_its_pdf_and_writes_contract_record(world):
    contract = recorded(world)
    assert contract["number"].startswith("HT-330282-")
    assert contract["filing_status"] == "recorded" and contract["in_force"] is False
    current = contract["current"]
    assert current["amount"] == "120000.00" and current["kind"] == "original"
    assert [s["id"] for s in current["staff"]] == [world.county.staff.pk]
    assert len(current["pdf_sha256"]) == 64 and current["filing_due_on"]
    assert audit_actions(contract["number"]) == ["contract.record"]
    item = world.agency.get(f"{V1}/commissioning/items/{contract['item_id']}").json()
    assert item["contracted_amount"] == "120000.00"


def test_correct_changes_the_unfiled_version_without_a_new_pdf(world):
    contract = recorded(world)
    body = terms(world, amount="110000", pdf=None)
    response = world.agency.post(f"{CONTRACTS}/{contract['id']}/correct", body)
    assert response.status_code == 200, response.json()
    assert response.json()["current"]["amount"] == "110000.00"
    assert response.json()["current"]["pdf_sha256"] == contract["current"]["pdf_sha256"]
    assert audit_actions(contract["number"]) == ["contract.record", "contract.correct"]


def test_file_return_refile_accept_amend(world):
    contract = recorded(world)
    url = f"{CONTRACTS}/{contract['id']}"
    filed = world.agency.post(f"{url}/file")
    assert filed.status_code == 200 and filed.json()["filing_status"] == "filed"
    assert world.agency.post(f"{url}/accept").status_code == 403

    refused = world.supervisor.post(f"{url}/return", {}, content_type="application/json")
    assert_refused(refused, "reason", "退回理由")
    returned = world.supervisor.post(
        f"{url}/return", {"reason": "缺少人员名单"}, content_type="application/json"
    )
    assert returned.json()["filing_status"] == "returned"
    assert returned.json()["current"]["return_reason"] == "缺少人员名单"

    assert world.agency.post(f"{url}/file").status_code == 200
    accepted = world.supervisor.post(f"{url}/accept")
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["filing_status"] == "accepted" and body["accepted_version"] == 1
    assert body["in_force"] is True

    amend = terms(world, amount="100000", change_note="减少一名人员，金额相应核减")
    amended = world.agency.post(f"{url}/amend", amend)
    assert amended.status_code == 200, amended.json()
    body = amended.json()
    assert body["current"]["version"] == 2 and body["current"]["kind"] == "amendment"
    assert body["filing_status"] == "recorded" and body["accepted_version"] == 1
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert audit_actions(contract["number"]) == [
        "contract.record",
        "contract.file",
        "contract.return",
        "contract.file",
        "contract.accept",
        "contract.amend",
    ]


def test_an_amendment_needs_a_note(world):
    contract = recorded(world)
    url = f"{CONTRACTS}/{contract['id']}"
    world.agency.post(f"{url}/file")
    world.supervisor.post(f"{url}/accept")
    before = rows()
    assert_refused(world.agency.post(f"{url}/amend", terms(world)), "change_note", "变更说明")
    assert rows() == before


# ------------------------------------------------------------------------------- bad input


def _today_plus(**kwargs) -> str:
    today = timezone.localdate()
    if "years" in kwargs:
        return today.replace(year=today.year + kwargs["years"]).isoformat()
    return (today + timedelta(**kwargs)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"amount": "-1"}, "amount", ("合同金额", "大于 0")),
        ({"amount": "abc"}, "amount", ("合同金额", "abc")),
        ({"amount": str(10**15)}, "amount", ("合同金额", "上限")),
        ({"amount": "200000.01"}, "amount", ("合同金额", "超出预算")),
        ({"term_end": "years=4"}, "term_end", ("履行期止", "3 年")),
        ({"signed_on": "days=1"}, "signed_on", ("签订日期", "晚于今天")),
        (
            {"pdf": SimpleUploadedFile("合同.pdf", b"PK\x03\x04 not a pdf", "application/pdf")},
            "pdf",
            ("合同扫描件", "不是 PDF"),
        ),
        ({"pdf": None}, "pdf", ("合同扫描件",)),
        ({"no_subentrustment": ""}, "no_subentrustment", ("转委托",)),
        ({"staff": ["abc"]}, "staff", ("辅助人员",)),
    ],
    ids=[
        "amount-negative",
        "amount-abc",
        "amount-1e15",
        "over-budget",
        "term-4-years",
        "signed-tomorrow",
        "not-a-pdf",
        "no-pdf",
        "no-subentrustment",
        "bad-staff",
    ],
)
def test_bad_contract_input_is_refused_by_field_and_nothing_is_stored(world, changes, field, words):
    item = world.approved_item()  # budget 200000.00
    for key in ("term_end", "signed_on"):
        if key in changes and "=" in changes[key]:
            unit, value = changes[key].split("=")
            changes[key] = _today_plus(**{unit: int(value)})
    before = rows()
    assert_refused(record(world, item["id"], **changes), field, *words)
    assert rows() == before


def test_a_second_contract_may_use_only_what_is_left_of_the_budget(world):
    contract = recorded(world)  # 120000 of 200000
    before = rows()
    response = record(world, contract["item_id"], amount="80000.01")
    assert_refused(response, "amount", "超出预算", "80,000.00")
    assert rows() == before
    assert record(world, contract["item_id"], amount="80000").status_code == 201


def test_no_contract_under_an_item_that_is_not_approved(world):
    draft = world.create()
    foreign = world.create(client=world.other_agency)
    before = rows()
    assert_refused(record(world, draft["id"]), "item", "联审批准")
    assert_refused(record(world, foreign["id"]), "item", "委托事项")
    assert rows() == before


def test_bad_correction_leaves_the_version_unchanged(world):
    contract = recorded(world)
    before = rows()
    body = terms(world, amount="abc", pdf=None)
    response = world.agency.post(f"{CONTRACTS}/{contract['id']}/correct", body)
    assert_refused(response, "amount", "合同金额")
    assert rows() == before
    assert ContractVersion.objects.get().amount == 120000


# --------------------------------------------------------------------------------- scoping


def test_a_provider_sees_only_its_own_contracts_once_filed(world):
    contract = recorded(world)
    url = f"{CONTRACTS}/{contract['id']}"
    assert world.provider.get(CONTRACTS).json()["count"] == 0
    assert world.provider.get(url).status_code == 404
    world.agency.post(f"{url}/file")
    listed = world.provider.get(CONTRACTS).json()
    assert [c["number"] for c in listed["items"]] == [contract["number"]]
    assert world.provider.get(url).status_code == 200
    assert world.other_provider.get(CONTRACTS).json()["count"] == 0
    assert world.other_provider.get(url).status_code == 404
    assert world.provider.post(f"{url}/accept").status_code == 403


def test_another_agency_neither_sees_nor_changes_my_contract(world):
    contract = recorded(world)
    url = f"{CONTRACTS}/{contract['id']}"
    assert world.other_agency.get(url).status_code == 404
    assert world.other_agency.post(f"{url}/file").status_code == 404
    assert world.other_agency.get(CONTRACTS).json()["count"] == 0
    assert world.supervisor.get(CONTRACTS).json()["count"] == 1
    assert world.supervisor.post(f"{url}/file").status_code == 403


def test_list_filters_by_filing_status_and_item(world):
    first = recorded(world)
    world.agency.post(f"{CONTRACTS}/{first['id']}/file")
    second = record(world, first["item_id"], amount="1000").json()
    filed = world.supervisor.get(f"{CONTRACTS}?filing_status=filed").json()
    assert [c["number"] for c in filed["items"]] == [first["number"]]
    by_item = world.agency.get(f"{CONTRACTS}?item={first['item_id']}&page_size=1").json()
    assert by_item["count"] == 2 and len(by_item["items"]) == 1
    assert by_item["items"][0]["number"] == second["number"]


# --------------------------------------------------------------------------- notifications


def test_filing_notifies_the_bureau_and_notifications_are_marked_read(world):
    contract = recorded(world)
    world.agency.post(f"{CONTRACTS}/{contract['id']}/file")
    inbox = world.supervisor.get(f"{V1}/notifications").json()
    assert inbox["count"] == 1
    note = inbox["items"][0]
    assert contract["number"] in note["title"] and note["unread"] is True
    read = world.supervisor.post(
        f"{V1}/notifications/read", {"ids": [note["id"]]}, content_type="application/json"
    )
    assert read.json() == {"marked": 1}
    assert world.supervisor.get(f"{V1}/notifications?unread=true").json()["count"] == 0
    assert world.agency.post(
        f"{V1}/notifications/read", {}, content_type="application/json"
    ).json() == {"marked": 1}  # the decision on the item


def test_unread_notifications_come_first_and_are_only_mine(world):
    user = world.county.users["agency_officer"]
    older = Notification.objects.create(recipient=user, title="旧的未读", dedupe_key="a")
    read = Notification.objects.create(
        recipient=user, title="新的已读", dedupe_key="b", read_at=timezone.now()
    )
    other = world.county.users["supervisor"]
    Notification.objects.create(recipient=other, title="别人的", dedupe_key="c")
    items = world.agency.get(f"{V1}/notifications").json()["items"]
    assert [n["id"] for n in items] == [older.pk, read.pk]
