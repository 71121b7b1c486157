"""Visits: who may go in and how, joint visits, what a scan at the gate says, arrival to closing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.services import suspend_credential
from zerodisturb.credentials.tokens import sign
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.roles import Role
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    approved_item,
    panel_fixture,
    recorded_contract,
)
from zerodisturb.testing.factories import UserFactory
from zerodisturb.testing.visits import (  # noqa: F401  (visit_world is a fixture)
    DECIDED,
    SIGNED,
    SUBMITTED,
    VISIT_DAY,
    plan_args,
    planned_visit,
    visit_plan,
    visit_world_fixture,
)
from zerodisturb.visits.choices import FindingKind, VisitKind, VisitStatus
from zerodisturb.visits.frequency import counted_visits, visits_this_quarter
from zerodisturb.visits.models import ScanLog, Visit
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import (
    add_finding,
    cancel_visit,
    check_in,
    check_out,
    close_visit,
    join_visit,
    joinable_visits,
    plan_visit,
)

pytestmark = pytest.mark.django_db

GATE = VISIT_DAY + timedelta(minutes=5)  # the staff member shows the code at the gate


def refused(world, **overrides) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        planned_visit(world, **overrides)
    assert not Visit.objects.exists()
    return excinfo.value.message_dict


def code_for(world, visit, at=GATE, credential=None) -> str:
    return sign(visit.pk, (credential or world.lead.credential).pk, at)


def scanned(world, visit, at=GATE, actor=None):
    """The enterprise's own contact scans the lead staff member's code at `at`."""
    return scan(code_for(world, visit, at), at, actor or world.enterprise_user)


def arrived(world, visit, actor=None):
    assert scanned(world, visit).valid
    return check_in(actor or world.enterprise_user, visit, now=GATE)[0]


# Planning -----------------------------------------------------------------------------


def test_a_planned_visit_with_everything_in_order(visit_world):
    result = planned_visit(visit_world)
    visit = result.visit

    assert visit.number == "RQ-330282-2026-000001"
    assert visit.status == VisitStatus.PLANNED
    assert visit.completion_due_on is None
    [party] = visit.parties.all()
    assert (party.agency, party.is_lead, party.counts_for_cap) == (
        visit_world.panel.county.orgs["agency"],
        True,
        True,
    )
    assert [s.credential for s in visit.staff.all()] == [visit_world.lead.credential]
    assert [o.person for o in visit.officers.all()] == [visit_world.lead.escort]
    assert AuditEvent.objects.filter(action="visit.plan", object_id=str(visit.pk)).count() == 1


def test_refused_without_a_filed_and_accepted_contract(visit_world):
    panel = visit_world.panel
    item = approved_item(panel, SUBMITTED, DECIDED, title="另一项消防技术咨询")
    unfiled = recorded_contract(panel, item, SIGNED)

    errors = refused(visit_world, contract=unfiled)

    assert "未备案的合同不得派员入企" in errors["contract"][0]


def test_refused_when_the_contract_was_ended(visit_world):
    contract = visit_world.lead.contract
    Contract.objects.filter(pk=contract.pk).update(ended_at=SIGNED + timedelta(days=30))
    contract.refresh_from_db()

    errors = refused(visit_world, contract=contract)
    assert "未备案的合同不得派员入企" in errors["contract"][0]


def test_refused_with_a_suspended_credential(visit_world):
    panel = visit_world.panel
    suspended = suspend_credential(panel.supervisor, visit_world.lead.credential, "涉嫌违规收费")

    errors = refused(visit_world, credentials=[suspended])
    assert "暂停" in errors["credentials"][0]


def test_refused_with_a_credential_not_on_the_contract(visit_world):
    other = visit_world.other_party()

    errors = refused(visit_world, credentials=[other.credential])
    assert "不属于合同" in errors["credentials"][0]


def test_refused_without_staff(visit_world):
    assert "credentials" in refused(visit_world, credentials=[])


def test_refused_with_fewer_officers_than_required(visit_world):
    assert "至少需要 1 名" in refused(visit_world, officers=[])["officers"][0]

    CountyPolicy.objects.create(county_code=visit_world.panel.code, officers_required=2)
    assert "至少需要 2 名" in refused(visit_world)["officers"][0]


def test_an_officer_of_another_agency_cannot_escort(visit_world):
    other = visit_world.other_party()
    assert "不是本机关" in refused(visit_world, officers=[other.escort])["officers"][0]


def test_a_planned_visit_needs_an_approved_plan_of_this_agency_and_year(visit_world):
    panel = visit_world.panel
    assert "plan" in refused(visit_world, plan=None)
    assert "plan" in refused(visit_world, plan=visit_plan(panel, year=2027))
    other_plan = visit_plan(panel, panel.county.orgs["other_agency"], year=2026)
    assert "plan" in refused(visit_world, plan=other_plan)


@pytest.mark.parametrize(
    "kind",
    [
        VisitKind.COMPLAINT,
        VisitKind.RECTIFICATION,
        VisitKind.ENTERPRISE_REQUEST,
        VisitKind.EMERGENCY,
    ],
)
def test_triggered_visits_need_a_reason_but_no_plan(visit_world, kind):
    assert "触发型入企须写明原因" in refused(visit_world, kind=kind, reason=" ")["reason"][0]

    visit = planned_visit(visit_world, kind=kind, reason="企业投诉噪声扰民，回访核查", plan=None)
    assert visit.visit.kind == kind
    assert visit.visit.plan is None


@pytest.mark.parametrize("words", ["出具检查结论", "下达整改通知", "单独入企检查"])
def test_a_purpose_with_negative_list_words_is_refused(visit_world, words):
    errors = refused(visit_world, purpose=f"随同执法人员检查并{words}")
    assert words in errors["purpose"][0]


def test_an_emergency_visit_gets_ten_calendar_days_to_complete(visit_world):
    visit = planned_visit(
        visit_world,
        kind=VisitKind.EMERGENCY,
        reason="企业发生危化品泄漏，紧急技术支援",
        plan=None,
        now=VISIT_DAY + timedelta(days=1),  # recorded the next day: allowed for emergencies
    ).visit

    assert visit.completion_due_on == date(2026, 5, 22)


def test_only_emergencies_may_be_recorded_afterwards(visit_world):
    errors = refused(visit_world, now=VISIT_DAY + timedelta(days=1))
    assert "window_start" in errors


def test_only_agency_officers_plan(visit_world):
    args = plan_args(visit_world.lead, visit_world.enterprise)
    with pytest.raises(PermissionDenied):
        plan_visit(visit_world.panel.supervisor, **args)


# Joint visits (综合查一次) -----------------------------------------------------------------


def test_joinable_visits_are_other_agencies_pending_visits_within_the_window(visit_world):
    visit = planned_visit(visit_world).visit
    other = visit_world.other_party()
    agency = other.officer.organisation

    def found(days: int) -> list:
        return list(joinable_visits(agency, visit_world.enterprise, VISIT_DAY + timedelta(days)))

    assert found(14) == [visit]
    assert found(-14) == [visit]
    assert found(15) == []
    assert found(-15) == []
    # An agency is never offered its own visit.
    lead_agency = visit_world.lead.officer.organisation
    assert list(joinable_visits(lead_agency, visit_world.enterprise, VISIT_DAY)) == []


def test_planning_suggests_joining_the_other_agencys_visit(visit_world):
    visit = planned_visit(visit_world).visit
    other = visit_world.other_party()

    result = planned_visit(visit_world, when=VISIT_DAY + timedelta(days=3), party=other)

    assert any("综合查一次" in w and visit.number in w for w in result.warnings)


def test_a_cancelled_visit_is_not_joinable(visit_world):
    visit = planned_visit(visit_world).visit
    cancel_visit(visit_world.lead.officer, visit, "企业停产检修")
    agency = visit_world.panel.county.orgs["other_agency"]
    assert list(joinable_visits(agency, visit_world.enterprise, VISIT_DAY)) == []


def test_joining_makes_one_entry_with_two_parties(visit_world):
    visit = planned_visit(visit_world).visit
    other = visit_world.other_party()

    joined = join_visit(
        other.officer,
        visit,
        contract=other.contract,
        credentials=[other.credential],
        officers=[other.escort],
    )

    assert Visit.objects.count() == 1
    assert joined.is_joint
    assert joined.parties.filter(is_lead=False).get().agency == other.officer.organisation
    assert visits_this_quarter(visit_world.enterprise, VISIT_DAY.date()) == 1
    enterprise = visit_world.enterprise.pk
    assert counted_visits(visit_world.lead.officer.organisation_id, enterprise, 2026) == 1
    assert counted_visits(other.officer.organisation_id, enterprise, 2026) == 1
    with pytest.raises(ValidationError):
        join_visit(
            other.officer,
            visit,
            contract=other.contract,
            credentials=[other.credential],
            officers=[other.escort],
        )
    # Both parties' staff can show a code for the same visit.
    assert scan(code_for(visit_world, visit, credential=other.credential), GATE).valid


# The scan at the gate ------------------------------------------------------------------


@pytest.fixture
def visit(visit_world):
    return planned_visit(visit_world).visit


def test_a_valid_code(visit_world, visit):
    result = scanned(visit_world, visit)

    assert (result.valid, result.code) == (True, "valid")
    assert result.credential == visit_world.lead.credential
    visit.refresh_from_db()
    assert visit.valid_scan_at == GATE
    log = ScanLog.objects.get()
    assert (log.valid, log.code, log.visit, log.scanned_by) == (
        True,
        "valid",
        visit,
        visit_world.enterprise_user,
    )


def test_an_expired_code(visit_world, visit):
    token = code_for(visit_world, visit, at=GATE)
    result = scan(token, GATE + timedelta(minutes=10), visit_world.enterprise_user)
    assert (result.valid, result.code) == (False, "expired")


def test_a_forged_code(visit_world, visit):
    token = code_for(visit_world, visit)
    body, signature = token.split(".")
    forged = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert scan(forged, GATE).code == "bad_signature"


@pytest.mark.parametrize("token", ["", "hello", "a.b.c", "https://example.com/scan/x"])
def test_malformed_codes(token):
    assert scan(token, GATE).code == "malformed"


def test_a_genuine_code_for_no_visit(visit_world, visit):
    assert scan(sign(visit.pk + 1000, visit_world.lead.credential.pk, GATE), GATE).code == (
        "unknown_visit"
    )
    # A staff member not assigned to this visit.
    other = visit_world.other_party()
    assert scan(sign(visit.pk, other.credential.pk, GATE), GATE).code == "unknown_visit"


def test_a_code_on_another_day(visit_world, visit):
    tomorrow = GATE + timedelta(days=1)
    result = scanned(visit_world, visit, at=tomorrow)
    assert (result.valid, result.code) == (False, "visit_not_today")
    assert "2026-05-12" in result.message


def test_the_contact_of_another_enterprise(visit_world, visit):
    stranger = UserFactory(
        username="other_enterprise_contact",
        role=Role.ENTERPRISE,
        organisation=visit_world.panel.county.orgs["other_enterprise"],
    )
    result = scanned(visit_world, visit, actor=stranger)
    assert (result.valid, result.code) == (False, "wrong_enterprise")
    visit.refresh_from_db()
    assert visit.valid_scan_at is None


def test_a_suspended_credential(visit_world, visit):
    suspend_credential(visit_world.panel.supervisor, visit_world.lead.credential, "离职")
    assert scanned(visit_world, visit).code == "suspended"


def test_a_contract_ended_after_planning(visit_world, visit):
    Contract.objects.filter(pk=visit_world.lead.contract.pk).update(ended_at=SIGNED)
    result = scanned(visit_world, visit)
    assert (result.valid, result.code) == (False, "contract_not_filed")


def test_a_cancelled_visit(visit_world, visit):
    cancel_visit(visit_world.lead.officer, visit, "企业临时停产")
    assert scanned(visit_world, visit).code == "cancelled"


def test_a_code_replayed_after_check_out(visit_world, visit):
    arrived(visit_world, visit)
    check_out(visit_world.enterprise_user, visit, now=GATE + timedelta(hours=1))

    result = scanned(visit_world, visit, at=GATE + timedelta(hours=1))
    assert (result.valid, result.code) == (False, "visit_ended")


def test_every_scan_is_logged(visit_world, visit):
    scanned(visit_world, visit)
    scan("garbage", GATE)
    scanned(visit_world, visit, at=GATE + timedelta(days=1))

    assert list(ScanLog.objects.order_by("pk").values_list("code", "valid")) == [
        ("valid", True),
        ("malformed", False),
        ("visit_not_today", False),
    ]
    assert ScanLog.objects.filter(visit__isnull=True).count() == 1


# Arrival, departure, findings, closing -------------------------------------------------


def test_check_in_needs_a_valid_scan_first(visit_world, visit):
    with pytest.raises(ValidationError):
        check_in(visit_world.enterprise_user, visit, now=GATE)
    scan("garbage", GATE)
    with pytest.raises(ValidationError):
        check_in(visit_world.enterprise_user, visit, now=GATE)

    assert scanned(visit_world, visit).valid
    visit, claimed = check_in(visit_world.enterprise_user, visit, now=GATE)
    assert claimed
    assert (visit.status, visit.checked_in_at) == (VisitStatus.IN_PROGRESS, GATE)


def test_the_escort_may_confirm_arrival(visit_world, visit):
    visit = arrived(visit_world, visit, actor=visit_world.lead.escort_user)
    assert visit.checked_in_by == visit_world.lead.escort_user


@pytest.mark.parametrize("who", ["planner", "supervisor", "staff", "other_enterprise"])
def test_others_may_not_confirm_arrival(visit_world, visit, who):
    panel = visit_world.panel
    actor = {
        "planner": panel.officer,  # an agency officer who is not on the visit
        "supervisor": panel.supervisor,
        "staff": panel.county.users[Role.PROVIDER_STAFF.value],
        "other_enterprise": UserFactory(
            username="contact_2",
            role=Role.ENTERPRISE,
            organisation=panel.county.orgs["other_enterprise"],
        ),
    }[who]
    assert scanned(visit_world, visit).valid
    with pytest.raises(PermissionDenied):
        check_in(actor, visit, now=GATE)


def test_checking_in_twice_is_one_check_in(visit_world, visit):
    visit = arrived(visit_world, visit)
    again, claimed = check_in(visit_world.lead.escort_user, visit, now=GATE + timedelta(minutes=3))

    assert not claimed
    assert again.checked_in_at == GATE
    assert again.checked_in_by == visit_world.enterprise_user
    assert AuditEvent.objects.filter(action="visit.check_in").count() == 1


def test_check_out_after_check_in_only(visit_world, visit):
    with pytest.raises(ValidationError):
        check_out(visit_world.enterprise_user, visit, now=GATE)
    visit = arrived(visit_world, visit)

    left = GATE + timedelta(hours=2)
    visit, claimed = check_out(visit_world.lead.escort_user, visit, now=left)
    again, claimed_again = check_out(visit_world.enterprise_user, visit, now=left)

    assert (claimed, claimed_again) == (True, False)
    assert (again.status, again.checked_out_at) == (VisitStatus.COMPLETED, left)
    assert AuditEvent.objects.filter(action="visit.check_out").count() == 1


def test_findings_are_advice_never_enforcement_conclusions(visit_world, visit):
    officer = visit_world.lead.officer
    with pytest.raises(ValidationError):
        add_finding(officer, visit, FindingKind.RISK_ALERT, "配电间堆放可燃物")  # not yet in
    visit = arrived(visit_world, visit)

    with pytest.raises(ValidationError) as excinfo:
        add_finding(officer, visit, FindingKind.RISK_ALERT, "经检查认定违法，建议处罚")
    assert "不能是执法结论" in excinfo.value.message_dict["text"][0]
    with pytest.raises(ValidationError):
        add_finding(officer, visit, "conclusion", "配电间堆放可燃物")

    finding = add_finding(officer, visit, FindingKind.RISK_ALERT, "配电间堆放可燃物，存在火灾风险")
    assert list(visit.findings.all()) == [finding]
    assert AuditEvent.objects.filter(action="visit.finding").count() == 1


def test_close_only_after_check_out(visit_world, visit):
    officer = visit_world.lead.officer
    with pytest.raises(ValidationError):
        close_visit(officer, visit, now=GATE)
    visit = arrived(visit_world, visit)
    with pytest.raises(ValidationError):
        close_visit(officer, visit, now=GATE)

    visit, _ = check_out(visit_world.enterprise_user, visit, now=GATE + timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        close_visit(visit_world.panel.supervisor, visit)
    closed = close_visit(officer, visit, now=GATE + timedelta(hours=2))

    assert (closed.status, closed.closed_at) == (VisitStatus.CLOSED, GATE + timedelta(hours=2))
    assert AuditEvent.objects.filter(action="visit.close").count() == 1


def test_a_started_visit_cannot_be_cancelled(visit_world, visit):
    visit = arrived(visit_world, visit)
    with pytest.raises(ValidationError):
        cancel_visit(visit_world.lead.officer, visit, "改期")
    later = planned_visit(visit_world, when=VISIT_DAY + timedelta(days=30)).visit
    with pytest.raises(ValidationError):
        cancel_visit(visit_world.lead.officer, later, " ")
