"""The bad-review loop: provider answers → agency calls back → enterprise accepts or disputes →
the judicial bureau decides; one ticket per provider; the problem pool follows every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.evaluations.choices import RectificationStatus as S
from zerodisturb.evaluations.models import Rectification
from zerodisturb.evaluations.services import (
    answer_rectification,
    decide_rectification,
    record_callback,
    respond_rectification,
)
from zerodisturb.evaluations.tests.conftest import BAD, checked_out, rate
from zerodisturb.notifications.models import Notification
from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import problem_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(rated_world):
    rate(rated_world.world, rated_world.visit, **BAD)
    return Rectification.objects.get()


def _at(ticket, days: int):
    return ticket.opened_at + timedelta(days=days)


def answered(rated_world, ticket):
    return answer_rectification(
        rated_world.user("provider_admin"),
        ticket,
        cause="人员未按规范沟通",
        measures="已开展服务规范培训，调整入企人员",
        now=_at(ticket, 2),
    )


def called_back(rated_world, ticket):
    return record_callback(
        rated_world.user("agency_officer"),
        answered(rated_world, ticket),
        result="已电话回访企业负责人，企业表示认可",
        now=_at(ticket, 4),
    )


def test_a_bad_review_opens_a_ticket_to_the_provider_through_its_agency(rated_world, ticket):
    county = rated_world.county
    assert ticket.number == "ZG-330282-2026-00001"
    assert ticket.provider == county.orgs["provider"]
    assert ticket.agency == county.orgs["agency"]
    assert ticket.status == S.OPEN and ticket.completed_at is None
    problem = problem_for(ticket)
    assert problem.kind == ProblemKind.BAD_REVIEW and problem.state == ProblemState.OPEN
    assert problem.owner == county.orgs["provider"] and problem.deadline == ticket.due_on
    assert county.orgs["enterprise"].name not in problem.title
    provider_note = Notification.objects.get(recipient=rated_world.user("provider_admin"))
    assert county.orgs["enterprise"].name not in provider_note.title + provider_note.body
    assert Notification.objects.filter(recipient=rated_world.user("agency_officer")).exists()


def test_the_loop_to_acceptance(rated_world, ticket):
    ticket = called_back(rated_world, ticket)
    assert ticket.status == S.CALLED_BACK
    assert problem_for(ticket).owner == rated_world.county.orgs["enterprise"]
    assert Notification.objects.filter(
        recipient=rated_world.world.enterprise_user, title__contains="请确认整改结果"
    ).exists()

    ticket = respond_rectification(
        rated_world.world.enterprise_user, ticket, accepts=True, now=_at(ticket, 5)
    )
    assert ticket.status == S.ACCEPTED and ticket.enterprise_accepts is True
    assert ticket.completed_at == _at(ticket, 5) and ticket.on_time is True
    problem = problem_for(ticket)
    assert problem.state == ProblemState.CLOSED and problem.owner is None
    actions = list(
        AuditEvent.objects.filter(object_type="evaluations.rectification")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "rectification.open",
        "rectification.answer",
        "rectification.callback",
        "rectification.accept",
    ]


def test_a_dispute_goes_to_the_judicial_bureau(rated_world, ticket):
    ticket = called_back(rated_world, ticket)
    with pytest.raises(ValidationError) as refused:
        respond_rectification(rated_world.world.enterprise_user, ticket, accepts=False, reason="")
    assert "不认可的理由" in refused.value.message_dict["reason"][0]

    ticket = respond_rectification(
        rated_world.world.enterprise_user,
        ticket,
        accepts=False,
        reason="回访只是走过场，人员没有更换",
        now=_at(ticket, 5),
    )
    assert ticket.status == S.ESCALATED and ticket.completed_at is None
    assert problem_for(ticket).state == ProblemState.ESCALATED
    assert problem_for(ticket).owner == rated_world.county.orgs["judicial"]
    assert Notification.objects.filter(
        recipient=rated_world.user("supervisor"), title__contains="争议"
    ).exists()

    ticket = decide_rectification(
        rated_world.user("supervisor"),
        ticket,
        decision="约谈机构负责人，责令更换入企人员",
        now=_at(ticket, 30),
    )
    assert ticket.status == S.CLOSED and ticket.decided_by == rated_world.user("supervisor")
    assert ticket.on_time is False  # 30 days later: past the 15 working days
    assert problem_for(ticket).state == ProblemState.CLOSED


@pytest.mark.parametrize(
    ("step", "role"),
    [
        ("answer", "agency_officer"),
        ("answer", "enterprise"),
        ("answer", "provider_staff"),
        ("answer", "supervisor"),
        ("callback", "provider_admin"),
        ("callback", "enterprise"),
        ("respond", "agency_officer"),
        ("respond", "provider_admin"),
        ("decide", "agency_officer"),
        ("decide", "oversight"),
        ("decide", "enterprise"),
    ],
)
def test_each_step_is_for_its_owner_only(rated_world, ticket, step, role):
    user = rated_world.user(role)
    calls = {
        "answer": lambda: answer_rectification(user, ticket, cause="原因", measures="措施"),
        "callback": lambda: record_callback(user, ticket, result="回访"),
        "respond": lambda: respond_rectification(user, ticket, accepts=True),
        "decide": lambda: decide_rectification(user, ticket, decision="意见"),
    }
    with pytest.raises(PermissionDenied):
        calls[step]()
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN


def test_the_other_agency_cannot_call_back(rated_world, ticket):
    answered(rated_world, ticket)
    other = rated_world.world.panel.other_officer
    with pytest.raises(PermissionDenied):
        record_callback(other, ticket, result="回访")


def test_steps_out_of_order_or_twice_are_refused(rated_world, ticket):
    with pytest.raises(ValidationError) as refused:
        record_callback(rated_world.user("agency_officer"), ticket, result="回访")
    assert "待机构整改" in refused.value.message_dict["status"][0]
    ticket = answered(rated_world, ticket)
    with pytest.raises(ValidationError):
        answered(rated_world, ticket)
    assert AuditEvent.objects.filter(action="rectification.answer").count() == 1


def test_empty_or_huge_answers_are_refused(rated_world, ticket):
    with pytest.raises(ValidationError) as refused:
        answer_rectification(
            rated_world.user("provider_admin"), ticket, cause="  ", measures="x" * 2001
        )
    messages = refused.value.message_dict
    assert "原因说明" in messages["cause"][0] and "2000" in messages["measures"][0]
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN


def test_a_joint_visit_gives_one_ticket_per_provider(visit_world):
    other = visit_world.other_party()
    visit = checked_out(visit_world, joint=other)
    rate(visit_world, visit, **BAD)
    tickets = {t.provider.name: t.agency for t in Rectification.objects.all()}
    orgs = visit_world.county.orgs
    assert tickets == {
        orgs["provider"].name: orgs["agency"],
        orgs["other_provider"].name: orgs["other_agency"],
    }
    numbers = sorted(Rectification.objects.values_list("number", flat=True))
    assert numbers == ["ZG-330282-2026-00001", "ZG-330282-2026-00002"]


def test_a_bad_to_worse_amendment_opens_no_second_ticket(rated_world, ticket):
    from zerodisturb.evaluations.services import amend_evaluation

    amend_evaluation(
        rated_world.world.enterprise_user,
        ticket.evaluation,
        now=_at(ticket, 1),
        **(BAD | {"level": 1}),
    )
    assert Rectification.objects.count() == 1
