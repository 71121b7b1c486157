"""Rating a visit and amending it: who may, when, what is kept, what the audit trail says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.evaluations.choices import RectificationStatus
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.evaluations.services import amend_evaluation, submit_evaluation
from zerodisturb.evaluations.tests.conftest import BAD, answers, checked_out, rate

pytestmark = pytest.mark.django_db


def test_the_enterprise_rates_a_checked_out_visit(rated_world):
    visit = rated_world.visit
    evaluation = rate(rated_world.world, visit)

    assert evaluation.level == 4 and evaluation.enterprise_id == visit.enterprise_id
    assert evaluation.author == rated_world.world.enterprise_user
    assert evaluation.amend_until == evaluation.submitted_at + timedelta(days=7)
    assert not evaluation.is_bad
    assert not Rectification.objects.exists()
    event = AuditEvent.objects.get(action="evaluation.submit")
    assert event.payload["level"] == 4 and event.object_id == str(evaluation.pk)


def test_rating_twice_is_refused_with_a_clear_message(rated_world):
    rate(rated_world.world, rated_world.visit)
    with pytest.raises(ValidationError) as refused:
        rate(rated_world.world, rated_world.visit, level=5)
    assert "已经评价过" in refused.value.message_dict["visit"][0]
    assert Evaluation.objects.count() == 1


def test_no_one_rates_before_check_out(visit_world):
    visit = checked_out(visit_world, check_out_visit=False)
    with pytest.raises(ValidationError) as refused:
        rate(visit_world, visit, now=visit.checked_in_at + timedelta(hours=1))
    assert "离场" in refused.value.message_dict["visit"][0]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "role", ["agency_officer", "provider_admin", "provider_staff", "supervisor", "locality"]
)
def test_only_the_enterprise_rates(rated_world, role):
    with pytest.raises(PermissionDenied):
        rate(rated_world.world, rated_world.visit, actor=rated_world.user(role))
    assert not Evaluation.objects.exists()


def test_an_enterprise_cannot_rate_another_enterprises_visit(rated_world):
    from zerodisturb.evaluations.tests.conftest import enterprise_contact

    stranger = enterprise_contact(rated_world.world)
    with pytest.raises(PermissionDenied):
        rate(rated_world.world, rated_world.visit, actor=stranger)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"level": 6}, "level", "总体评价"),
        ({"level": None}, "level", "总体评价"),
        ({"level": "abc"}, "level", "总体评价"),
        ({"level": True}, "level", "总体评价"),
        ({"attitude": 0}, "attitude", "服务态度"),
        ({"burden": 9}, "burden", "企业负担"),
        ({"code_shown": None}, "code_shown", "亮码"),
        ({"level": 2, "text": ""}, "text", "不满意"),
        ({"level": 1, "text": "   "}, "text", "非常不满意"),
        ({"level": 5, "attitude": 1}, "attitude", "非常满意"),
        ({"text": "很" * 2001}, "text", "2000"),
        ({"text": "x" * (10 * 1024 * 1024)}, "text", "2000"),
    ],
)
def test_bad_input_is_refused_naming_the_field(rated_world, overrides, field, words):
    with pytest.raises(ValidationError) as refused:
        rate(rated_world.world, rated_world.visit, **overrides)
    messages = refused.value.message_dict
    assert field in messages and words in messages[field][0]
    assert not Evaluation.objects.exists()


def test_script_tags_are_kept_as_text(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit, text="<script>alert(1)</script>")
    assert evaluation.text == "<script>alert(1)</script>"


def test_amending_within_seven_days_is_audited_with_old_and_new_values(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit)
    later = evaluation.submitted_at + timedelta(days=6, hours=23)
    amend_evaluation(
        rated_world.world.enterprise_user,
        evaluation,
        now=later,
        **answers(level=5, attitude=5, text="复核后很满意"),
    )
    evaluation.refresh_from_db()
    assert evaluation.level == 5 and evaluation.amended_at == later
    changes = AuditEvent.objects.get(action="evaluation.amend").payload["changes"]
    assert changes["level"] == [4, 5]
    assert changes["text"] == ["服务规范，没有影响生产", "复核后很满意"]
    assert "burden" not in changes


def test_no_amendment_after_seven_days(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit)
    with pytest.raises(ValidationError) as refused:
        amend_evaluation(
            rated_world.world.enterprise_user,
            evaluation,
            now=evaluation.amend_until + timedelta(seconds=1),
            **answers(level=5),
        )
    assert "7 天内" in refused.value.message_dict["evaluation"][0]
    evaluation.refresh_from_db()
    assert evaluation.level == 4


@pytest.mark.parametrize("role", ["agency_officer", "provider_admin", "supervisor"])
def test_only_the_enterprise_amends(rated_world, role):
    evaluation = rate(rated_world.world, rated_world.visit)
    with pytest.raises(PermissionDenied):
        amend_evaluation(
            rated_world.user(role), evaluation, now=evaluation.submitted_at, **answers()
        )


def test_amending_into_a_bad_level_opens_the_ticket(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit)
    amend_evaluation(
        rated_world.world.enterprise_user,
        evaluation,
        now=evaluation.submitted_at + timedelta(days=1),
        **BAD,
    )
    ticket = Rectification.objects.get()
    assert ticket.status == RectificationStatus.OPEN


def test_amending_up_to_a_good_level_keeps_the_ticket_and_notes_it(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit, **BAD)
    amend_evaluation(
        rated_world.world.enterprise_user,
        evaluation,
        now=evaluation.submitted_at + timedelta(days=1),
        **answers(level=4),
    )
    ticket = Rectification.objects.get()
    assert ticket.status == RectificationStatus.OPEN
    note = AuditEvent.objects.get(action="rectification.evaluation_amended")
    assert note.object_id == str(ticket.pk) and note.payload["still_bad"] is False


def test_submit_links_the_invitation(rated_world):
    from zerodisturb.evaluations.deadlines import invite_evaluations

    invite_evaluations(rated_world.visit.checked_out_at + timedelta(minutes=10))
    evaluation = rate(rated_world.world, rated_world.visit)
    assert evaluation.invitation.visit == rated_world.visit


def test_direct_submit_calls_with_all_answers(rated_world):
    evaluation = submit_evaluation(
        rated_world.world.enterprise_user,
        rated_world.visit,
        now=rated_world.visit.checked_out_at,
        **answers(code_shown="no", officer_present="yes", nothing_sold=False, level="3"),
    )
    assert (evaluation.level, evaluation.code_shown, evaluation.officer_present) == (3, False, True)
    assert not evaluation.rules_kept
