"""Credentials: numbered one per person, bound to the filed contract, with a status that matters."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.services import (
    credential_state,
    issue_credential,
    reinstate_credential,
    revoke_credential,
    suspend_credential,
)
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    accepted_contract,
    approved_item,
    panel_fixture,
    recorded_contract,
    staff_member,
)
from zerodisturb.testing.visits import DECIDED, SCOPE, SIGNED, SUBMITTED

pytestmark = pytest.mark.django_db

TERM_START, TERM_END = date(2026, 4, 1), date(2026, 12, 31)  # contract_data's default term


@pytest.fixture
def second_staff(panel):
    return staff_member(panel)


@pytest.fixture
def contract(panel, second_staff):
    item = approved_item(panel, SUBMITTED, DECIDED)
    return accepted_contract(panel, item, SIGNED, staff=[panel.county.staff.pk, second_staff.pk])


def issue(panel, contract, person=None, actor=None, **overrides):
    data = dict(valid_from=TERM_START, valid_to=TERM_END, scope=SCOPE) | overrides
    return issue_credential(
        actor or panel.supervisor, person or panel.county.staff, [contract], **data
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def events(action: str, credential: Credential) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(credential.pk)).count()


def test_numbers_are_county_year_and_a_sequence(panel, contract, second_staff):
    first = issue(panel, contract)
    second = issue(panel, contract, second_staff)

    assert re.fullmatch(r"\d{6}-\d{4}-\d{5}", first.number)
    assert first.number == "330282-2026-00001"
    assert second.number == "330282-2026-00002"
    assert first.provider == panel.county.orgs["provider"]
    assert list(first.contracts.all()) == [contract]
    assert credential_state(first, date(2026, 5, 1)).valid


def test_only_staff_listed_on_the_accepted_contract(panel, contract):
    outsider = staff_member(panel)  # same provider, not on the filed staff list

    with pytest.raises(ValidationError) as excinfo:
        issue(panel, contract, outsider)

    assert "人员名单" in errors_of(excinfo)["contracts"][0]
    assert not Credential.objects.exists()


def test_staff_of_another_provider_refused(panel, contract):
    with pytest.raises(ValidationError) as excinfo:
        issue(panel, contract, panel.county.other_staff)
    assert "不是该人员所在机构的合同" in errors_of(excinfo)["contracts"][0]


def test_a_contract_not_yet_accepted_gives_no_credential(panel):
    item = approved_item(panel, SUBMITTED, DECIDED)
    recorded = recorded_contract(panel, item, SIGNED)

    with pytest.raises(ValidationError) as excinfo:
        issue(panel, recorded)
    assert "未备案通过" in errors_of(excinfo)["contracts"][0]


def test_validity_never_past_the_contract_term(panel, contract):
    with pytest.raises(ValidationError) as excinfo:
        issue(panel, contract, valid_to=TERM_END + timedelta(days=1))
    assert "2026-12-31" in errors_of(excinfo)["valid_to"][0]

    with pytest.raises(ValidationError) as excinfo:
        issue(panel, contract, valid_from=TERM_START - timedelta(days=1))
    assert "valid_from" in errors_of(excinfo)

    assert issue(panel, contract).valid_to == TERM_END


def test_one_person_one_active_credential(panel, contract):
    first = issue(panel, contract)
    with pytest.raises(ValidationError) as excinfo:
        issue(panel, contract)
    assert first.number in errors_of(excinfo)["person"][0]

    suspend_credential(panel.supervisor, first, "离职交接中")
    with pytest.raises(ValidationError):
        issue(panel, contract)  # a suspended credential still counts

    revoke_credential(panel.supervisor, first, "已离职")
    again = issue(panel, contract)
    assert again.number == "330282-2026-00002"


def test_the_judicial_bureau_issues_by_default(panel, contract):
    with pytest.raises(PermissionDenied):
        issue(panel, contract, actor=panel.officer)
    assert issue(panel, contract).issued_by == panel.supervisor


def test_a_county_may_let_the_agency_issue(panel, contract):
    CountyPolicy.objects.create(
        county_code=panel.code, credential_issuer=CountyPolicy.Issuer.AGENCY
    )

    with pytest.raises(PermissionDenied):
        issue(panel, contract, actor=panel.supervisor)
    with pytest.raises(PermissionDenied):
        issue(panel, contract, actor=panel.other_officer)  # not the contract's agency
    assert issue(panel, contract, actor=panel.officer).issued_by == panel.officer


def test_suspend_needs_a_reason_and_makes_it_invalid(panel, contract):
    credential = issue(panel, contract)

    with pytest.raises(ValidationError) as excinfo:
        suspend_credential(panel.supervisor, credential, "  ")
    assert "reason" in errors_of(excinfo)

    credential = suspend_credential(panel.supervisor, credential, "现场违规拍照")
    state = credential_state(credential, date(2026, 5, 1))
    assert (state.valid, state.code) == (False, "suspended")
    assert "现场违规拍照" in state.message

    credential = reinstate_credential(panel.supervisor, credential)
    assert credential_state(credential, date(2026, 5, 1)).valid
    assert events("credential.suspend", credential) == 1
    assert events("credential.reinstate", credential) == 1


def test_revoked_is_final(panel, contract):
    credential = issue(panel, contract)
    credential = revoke_credential(panel.supervisor, credential, "严重违反入企纪律")

    assert credential_state(credential, date(2026, 5, 1)).code == "revoked"
    with pytest.raises(ValidationError):
        reinstate_credential(panel.supervisor, credential)
    with pytest.raises(ValidationError):
        suspend_credential(panel.supervisor, credential, "再次暂停")
    assert events("credential.revoke", credential) == 1


def test_the_commissioning_agency_may_suspend_but_another_may_not(panel, contract):
    credential = issue(panel, contract)

    with pytest.raises(PermissionDenied):
        suspend_credential(panel.other_officer, credential, "与我无关")
    suspend_credential(panel.officer, credential, "委托机关发现违规")
    credential.refresh_from_db()
    assert credential.status == Credential.Status.SUSPENDED


def test_dates_outside_validity(panel, contract):
    credential = issue(panel, contract, valid_from=date(2026, 5, 1), valid_to=date(2026, 9, 30))

    assert credential_state(credential, date(2026, 4, 30)).code == "not_yet_valid"
    assert credential_state(credential, date(2026, 9, 30)).valid
    expired = credential_state(credential, date(2026, 10, 1))
    assert (expired.valid, expired.code) == (False, "expired")


def test_a_contract_no_longer_in_force_invalidates(panel, contract):
    credential = issue(panel, contract)
    Contract.objects.filter(pk=contract.pk).update(ended_at=SIGNED + timedelta(days=60))

    state = credential_state(credential, date(2026, 6, 1))
    assert (state.valid, state.code) == (False, "contract_not_in_force")


def test_issue_is_audited_with_its_contracts(panel, contract):
    credential = issue(panel, contract)

    event = AuditEvent.objects.get(action="credential.issue", object_id=str(credential.pk))
    assert event.object_number == credential.number
    assert event.payload["contracts"] == [contract.number]
    assert event.actor == panel.supervisor
