"""谁委托、谁负责: a complaint goes to the commissioning agency of what it concerns; otherwise to
the judicial bureau, which may re-route it (audited, clocks unchanged, the new agency told)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.complaints import services
from zerodisturb.complaints.choices import EntryKind
from zerodisturb.complaints.tests.world import RECEIVED
from zerodisturb.notifications.models import Notification
from zerodisturb.problems.models import Problem, ProblemKind

pytestmark = pytest.mark.django_db


def test_about_a_visit_goes_to_its_lead_agency_with_provider(complaint_world):
    w = complaint_world
    complaint = w.complain()
    assert complaint.routed_to == w.orgs["agency"]
    assert complaint.agency == w.orgs["agency"]
    assert complaint.provider == w.orgs["provider"]
    assert complaint.number == "TS-330282-2026-00001"
    assert Notification.objects.filter(
        recipient=w.officer, link__contains=str(complaint.pk)
    ).exists()


def test_about_a_staff_member_goes_to_the_agency_of_the_contract(complaint_world):
    w = complaint_world
    complaint = w.complain(credential=w.credential)
    assert (complaint.agency, complaint.provider) == (w.orgs["agency"], w.orgs["provider"])
    assert complaint.credential == w.credential


def test_about_a_provider_goes_to_the_agency_that_brought_it_in(complaint_world):
    w = complaint_world
    complaint = w.complain(provider=w.orgs["provider"])
    assert complaint.routed_to == w.orgs["agency"]


def test_about_an_agency_goes_to_that_agency(complaint_world):
    w = complaint_world
    complaint = w.complain(agency=w.orgs["other_agency"])
    assert complaint.routed_to == w.orgs["other_agency"]
    assert complaint.provider is None


def test_a_provider_without_contract_goes_to_the_bureau_for_triage(complaint_world):
    w = complaint_world
    complaint = w.complain(provider=w.orgs["other_provider"])
    assert complaint.routed_to == w.orgs["judicial"]
    assert complaint.agency is None
    assert complaint.provider == w.orgs["other_provider"]


def test_public_complaints_go_to_the_bureau(complaint_world):
    complaint = complaint_world.public()
    assert complaint.routed_to == complaint_world.orgs["judicial"]
    assert complaint.enterprise is None and complaint.complainant is None


def test_someone_elses_visit_or_staff_is_refused(complaint_world):
    w = complaint_world
    other = w.county.orgs["other_enterprise"]
    w.visit.enterprise = other
    w.visit.save()
    with pytest.raises(ValidationError) as refused:
        w.complain(visit=w.visit)
    assert "visit" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        w.complain(credential=w.vw.other_party().credential)
    assert "credential" in refused.value.message_dict


def test_the_bureau_reroutes_with_audit_entry_and_notice_clocks_unchanged(complaint_world):
    w = complaint_world
    complaint = w.public()
    due = (complaint.ack_due_on, complaint.reply_due_on, complaint.close_due_on)
    later = RECEIVED.replace(hour=15)

    complaint = services.reroute_complaint(
        w.supervisor, complaint, agency=w.orgs["agency"], reason="涉及应急管理局委托项目", now=later
    )

    assert complaint.routed_to == complaint.agency == w.orgs["agency"]
    assert (complaint.ack_due_on, complaint.reply_due_on, complaint.close_due_on) == due
    event = AuditEvent.objects.get(action="complaint.reroute")
    assert event.payload["to"] == w.orgs["agency"].pk
    assert complaint.entries.filter(kind=EntryKind.ROUTED, author=w.supervisor).exists()
    assert Notification.objects.filter(
        recipient=w.officer, link__contains=str(complaint.pk)
    ).exists()
    problem = Problem.objects.get(source_id=complaint.pk, kind=ProblemKind.COMPLAINT)
    assert problem.owner == w.orgs["agency"]


def test_only_the_bureau_reroutes_and_only_to_an_agency(complaint_world):
    w = complaint_world
    complaint = w.public()
    with pytest.raises(PermissionDenied):
        services.reroute_complaint(w.officer, complaint, agency=w.orgs["agency"], reason="x")
    with pytest.raises(ValidationError) as refused:
        services.reroute_complaint(w.supervisor, complaint, agency=w.orgs["provider"], reason="x")
    assert "agency" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.reroute_complaint(w.supervisor, complaint, agency=w.orgs["agency"], reason=" ")
    assert "reason" in refused.value.message_dict
