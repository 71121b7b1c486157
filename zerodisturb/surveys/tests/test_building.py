"""Building a questionnaire: validation with field messages, order, and frozen once sent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.roles import Role
from zerodisturb.surveys.choices import SATISFACTION_OPTIONS
from zerodisturb.surveys.services import (
    add_question,
    create_survey,
    move_question,
    remove_question,
    send_survey,
)

from .conftest import build_survey

pytestmark = pytest.mark.django_db


def refused(field, call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    return error.value.message_dict[field][0]


def test_a_survey_gets_a_number_and_an_audit_event(world):
    survey = build_survey(world)
    assert survey.number == "DY-330282-2026-001"
    assert [q.position for q in survey.questions.all()] == [1, 2, 3, 4]
    assert survey.questions.get(position=1).choices == SATISFACTION_OPTIONS
    assert AuditEvent.objects.filter(action="survey.create", object_id=str(survey.pk)).exists()


def test_builder_validation(world):
    survey = create_survey(world.bureau, title="调研")
    bureau = world.bureau
    assert refused("title", create_survey, bureau, title="  ") == "请填写标题。"
    assert "至少需要 2 个选项" in refused(
        "options", add_question, bureau, survey, kind="single", text="题", options=["是"]
    )
    assert "至少需要 2 个选项" in refused(
        "options", add_question, bureau, survey, kind="multiple", text="题", options=["是", " "]
    )
    assert "不能重复" in refused(
        "options", add_question, bureau, survey, kind="single", text="题", options=["是", "是"]
    )
    assert refused("text", add_question, bureau, survey, kind="text", text="") == "请填写题目。"
    assert refused("kind", add_question, bureau, survey, kind="rating", text="题") == "请选择题型。"
    assert "只能对应" in refused(
        "compare_with",
        add_question,
        bureau,
        survey,
        kind="text",
        text="题",
        compare_with=build_survey(world, "另一份").questions.first(),
    )
    assert not survey.questions.exists()  # nothing half-saved
    # Options given to a satisfaction or text question are ignored: the five levels apply.
    q = add_question(bureau, survey, kind="satisfaction", text="总体评价", options=["好", "坏"])
    assert q.options == [] and q.choices == SATISFACTION_OPTIONS


def test_move_and_remove_keep_the_order(world):
    survey = build_survey(world)
    texts = lambda: [q.text for q in survey.questions.order_by("position")]  # noqa: E731
    first, second, third, fourth = texts()
    move_question(world.bureau, survey.questions.get(position=3), up=True)
    assert texts() == [first, third, second, fourth]
    move_question(world.bureau, survey.questions.get(position=1), up=True)  # already first
    assert texts() == [first, third, second, fourth]
    remove_question(world.bureau, survey.questions.get(position=2))
    assert texts() == [first, second, fourth]
    assert [q.position for q in survey.questions.order_by("position")] == [1, 2, 3]


def test_no_change_after_sending(world):
    survey = build_survey(world)
    send_survey(world.bureau, survey)
    assert "已发送" in refused(
        "survey", add_question, world.bureau, survey, kind="text", text="再加一题"
    )
    with pytest.raises(ValidationError):
        remove_question(world.bureau, survey.questions.first())


def test_sending_needs_questions(world):
    survey = create_survey(world.bureau, title="空问卷")
    assert refused("survey", send_survey, world.bureau, survey) == "请先添加题目再发送。"


@pytest.mark.parametrize(
    "role",
    [Role.OVERSIGHT, Role.AGENCY_OFFICER, Role.REVIEWER, Role.ENTERPRISE, Role.SYSTEM_ADMIN],
)
def test_only_the_bureau_builds(world, role):
    user = world.county.users[role.value]
    with pytest.raises(PermissionDenied):
        create_survey(user, title="调研")
    survey = build_survey(world)
    with pytest.raises(PermissionDenied):
        add_question(user, survey, kind="text", text="题")
    with pytest.raises(PermissionDenied):
        send_survey(user, survey)
