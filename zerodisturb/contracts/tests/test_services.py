"""Contracts under approved items: the budget gate, what a valid contract is, and its filing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.commissioning.choices import ItemStatus
from zerodisturb.contracts.choices import FilingStatus, VersionKind
from zerodisturb.contracts.services import (
    accept_filing,
    amend_contract,
    correct_contract,
    file_contract,
    record_contract,
    return_filing,
)
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    PDF,
    accepted_contract,
    approved_item,
    at,
    contract_data,
    panel_fixture,
    recorded_contract,
    submitted_item,
)
from zerodisturb.testing.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

DECIDED = at(2026, 3, 10)
SIGNED = at(2026, 3, 21)  # the day after the default signing date (20 March 2026)


@pytest.fixture
def item(panel):
    return approved_item(panel, at(2026, 3, 2), DECIDED, budget="100000.00")


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def actions(contract) -> list[str]:
    events = AuditEvent.objects.filter(object_type="contracts.contract", object_id=str(contract.pk))
    return list(events.order_by("seq").values_list("action", flat=True))


# --- budget gate --------------------------------------------------------------------------------


def test_only_an_approved_item_can_have_a_contract(panel):
    under_review = submitted_item(panel, at(2026, 3, 2))
    assert under_review.status == ItemStatus.SUBMITTED

    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, under_review, SIGNED)
    assert "item" in errors_of(refused)
    assert not under_review.contracts.exists()


def test_contracts_share_the_approved_budget(panel, item):
    first = recorded_contract(panel, item, SIGNED, amount="60000")

    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, item, SIGNED, amount="40000.01")
    assert "本合同最多 40,000.00 元" in errors_of(refused)["amount"][0]

    second = recorded_contract(panel, item, SIGNED, amount="40000")
    assert item.contracts.count() == 2
    assert {first.current_version.amount, second.current_version.amount} == {
        Decimal("60000.00"),
        Decimal("40000.00"),
    }


def test_the_budget_is_the_reduced_amount_after_a_cut(panel):
    from zerodisturb.testing.commissioning import decide

    cut = submitted_item(panel, at(2026, 3, 2))
    cut = decide(panel, cut, DECIDED, cuts={panel.county.orgs["finance"].pk: "70000"})
    assert cut.approved_budget == Decimal("70000.00")

    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, cut, SIGNED, amount="80000")
    assert "amount" in errors_of(refused)


def test_an_amendment_counts_its_own_contract_once(panel, item):
    contract = accepted_contract(panel, item, SIGNED, amount="60000")
    recorded_contract(panel, item, SIGNED, amount="30000")

    # 100,000 approved − 30,000 of the other contract = 70,000 for this one, not 10,000.
    with pytest.raises(ValidationError) as refused:
        amend_contract(
            panel.officer,
            contract,
            contract_data(panel, amount="70000.01"),
            PDF,
            "增加服务企业",
            now=SIGNED,
        )
    assert "amount" in errors_of(refused)

    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, amount="70000"),
        PDF,
        "增加服务企业",
        now=SIGNED,
    )
    contract.refresh_from_db()
    assert contract.current_version.amount == Decimal("70000.00")
    assert contract.current_version.kind == VersionKind.AMENDMENT


def test_another_agency_cannot_record_under_my_item(panel, item):
    with pytest.raises(PermissionDenied):
        record_contract(panel.other_officer, item, contract_data(panel), PDF, now=SIGNED)


# --- what a valid contract is -------------------------------------------------------------------


def test_a_term_reaching_the_third_anniversary_is_refused(panel, item):
    # 1 Apr 2026 – 1 Apr 2029 runs three years and a day; ending 31 Mar 2029 is three years.
    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, item, SIGNED, term_start="2026-04-01", term_end="2029-04-01")
    assert "3 年" in errors_of(refused)["term_end"][0]

    contract = recorded_contract(
        panel, item, SIGNED, term_start="2026-04-01", term_end="2029-03-31"
    )
    assert contract.current_version.term_end == date(2029, 3, 31)


def test_a_signing_date_after_today_is_refused(panel, item):
    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, item, at(2026, 3, 19), signed_on="2026-03-20")
    assert "signed_on" in errors_of(refused)

    assert recorded_contract(panel, item, at(2026, 3, 20), signed_on="2026-03-20")


def test_the_upload_must_be_a_pdf(panel, item):
    with pytest.raises(ValidationError) as refused:
        record_contract(panel.officer, item, contract_data(panel), b"PK\x03\x04 docx", now=SIGNED)
    assert "不是 PDF" in errors_of(refused)["pdf"][0]

    with pytest.raises(ValidationError) as refused:
        record_contract(panel.officer, item, contract_data(panel), None, now=SIGNED)
    assert "pdf" in errors_of(refused)


def test_the_provider_must_be_a_provider_of_the_county(panel, item):
    orgs = panel.county.orgs
    elsewhere = OrganisationFactory(county_code="330281", kind="provider", name="余姚某咨询公司")
    for provider in (orgs["enterprise"], elsewhere):
        with pytest.raises(ValidationError) as refused:
            recorded_contract(panel, item, SIGNED, provider=provider.pk, staff=[])
        assert "provider" in errors_of(refused)
    assert not item.contracts.exists()


def test_staff_must_belong_to_the_provider(panel, item):
    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, item, SIGNED, staff=[panel.county.other_staff.pk])
    assert "staff" in errors_of(refused)

    left = PersonFactory(county_code=panel.code, organisation=panel.county.orgs["provider"])
    left.active = False
    left.save()
    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, item, SIGNED, staff=[left.pk])
    assert "staff" in errors_of(refused)


def test_no_subentrustment_must_be_declared(panel, item):
    with pytest.raises(ValidationError) as refused:
        recorded_contract(panel, item, SIGNED, no_subentrustment="")
    assert "no_subentrustment" in errors_of(refused)


# --- numbers ------------------------------------------------------------------------------------


def test_contract_numbers_run_per_county_and_signing_year(panel, item):
    first = recorded_contract(panel, item, SIGNED, amount="10000")
    second = recorded_contract(panel, item, SIGNED, amount="10000")
    # A refused contract does not use up a number.
    with pytest.raises(ValidationError):
        recorded_contract(panel, item, SIGNED, amount="90000")
    third = recorded_contract(panel, item, SIGNED, amount="10000")

    assert [first.number, second.number, third.number] == [
        "HT-330282-2026-0001",
        "HT-330282-2026-0002",
        "HT-330282-2026-0003",
    ]


# --- filing -------------------------------------------------------------------------------------


def test_filing_returned_corrected_refiled_accepted(panel, item):
    contract = recorded_contract(panel, item, SIGNED)
    version = contract.current_version
    # Signed Friday 20 Mar 2026: ten working days later is Friday 3 Apr (Qingming is 4–6 Apr).
    assert version.filing_status == FilingStatus.RECORDED
    assert version.filing_due_on == date(2026, 4, 3)

    file_contract(panel.officer, contract, now=at(2026, 3, 23))
    version.refresh_from_db()
    assert version.filing_status == FilingStatus.FILED
    # The agency cannot decide its own filing; the judicial bureau must give a reason to return.
    with pytest.raises(PermissionDenied):
        accept_filing(panel.officer, contract, now=at(2026, 3, 24))
    with pytest.raises(ValidationError, match="退回理由"):
        return_filing(panel.supervisor, contract, " ", now=at(2026, 3, 24))
    # Filed contracts are not edited in place.
    with pytest.raises(ValidationError):
        correct_contract(panel.officer, contract, contract_data(panel, amount="50000"))

    return_filing(panel.supervisor, contract, "人员名单缺少身份证明", now=at(2026, 3, 24))
    version.refresh_from_db()
    assert version.filing_status == FilingStatus.RETURNED
    assert version.return_reason == "人员名单缺少身份证明"
    assert not contract.in_force(date(2026, 5, 1))

    correct_contract(
        panel.officer, contract, contract_data(panel, amount="55000"), now=at(2026, 3, 25)
    )
    file_contract(panel.officer, contract, now=at(2026, 3, 25))
    accept_filing(panel.supervisor, contract, now=at(2026, 3, 26))

    contract.refresh_from_db()
    version.refresh_from_db()
    assert version.filing_status == FilingStatus.ACCEPTED
    assert version.amount == Decimal("55000.00")
    assert version.first_filed_at == at(2026, 3, 23)
    assert version.filed_on_time is True
    assert contract.accepted_version == version
    assert actions(contract) == [
        "contract.record",
        "contract.file",
        "contract.return",
        "contract.correct",
        "contract.file",
        "contract.accept",
    ]
    assert verify_chain().ok


def test_in_force_only_after_acceptance_and_within_the_term(panel, item):
    contract = recorded_contract(panel, item, SIGNED)  # term 1 Apr – 31 Dec 2026
    inside = date(2026, 6, 1)
    assert not contract.in_force(inside)

    file_contract(panel.officer, contract, now=SIGNED)
    contract.refresh_from_db()
    assert not contract.in_force(inside)

    accept_filing(panel.supervisor, contract, now=SIGNED)
    contract.refresh_from_db()
    assert contract.in_force(inside)
    assert contract.in_force(date(2026, 4, 1))
    assert contract.in_force(date(2026, 12, 31))
    assert not contract.in_force(date(2026, 3, 31))
    assert not contract.in_force(date(2027, 1, 1))


def test_an_amendment_is_in_force_only_once_accepted(panel, item):
    contract = accepted_contract(panel, item, SIGNED)  # term to 31 Dec 2026
    v1 = contract.accepted_version

    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, signed_on="2026-11-02", term_end="2027-06-30", amount="80000"),
        PDF,
        "延长服务期半年",
        now=at(2026, 11, 2),
    )
    contract.refresh_from_db()
    v2 = contract.current_version
    assert v2.version == 2
    assert v2.filing_status == FilingStatus.RECORDED
    # Until the bureau accepts the amendment the old terms hold: in force to 31 Dec only.
    assert contract.accepted_version == v1
    assert contract.in_force(date(2026, 12, 31))
    assert not contract.in_force(date(2027, 3, 1))

    file_contract(panel.officer, contract, now=at(2026, 11, 3))
    contract.refresh_from_db()
    assert contract.accepted_version == v1
    accept_filing(panel.supervisor, contract, now=at(2026, 11, 4))
    contract.refresh_from_db()
    assert contract.accepted_version == v2
    assert contract.in_force(date(2027, 3, 1))
    assert actions(contract)[-3:] == ["contract.amend", "contract.file", "contract.accept"]


def test_an_amendment_needs_the_previous_version_accepted_and_a_note(panel, item):
    contract = recorded_contract(panel, item, SIGNED)
    with pytest.raises(ValidationError):
        amend_contract(panel.officer, contract, contract_data(panel), PDF, "变更", now=SIGNED)

    file_contract(panel.officer, contract, now=SIGNED)
    accept_filing(panel.supervisor, contract, now=SIGNED)
    with pytest.raises(ValidationError) as refused:
        amend_contract(panel.officer, contract, contract_data(panel), PDF, "  ", now=SIGNED)
    assert "change_note" in errors_of(refused)
