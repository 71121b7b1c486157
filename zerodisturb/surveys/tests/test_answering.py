"""Answering: one answer per enterprise (a second or concurrent submission is refused with a
message), validation, closed surveys, and the enterprise seeing its own answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.conftest import login_client
from zerodisturb.surveys.models import SurveyInvitation, SurveyResponse
from zerodisturb.surveys.services import ALREADY_ANSWERED, close_survey, send_survey, submit_answer

from .conftest import build_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world):
    return send_survey(world.bureau, build_survey(world))


def invitation_of(survey, world, key="xingke") -> SurveyInvitation:
    return survey.invitations.get(enterprise=world.enterprises[key])


def questions(survey):
    return list(survey.questions.order_by("position"))


def full_answer(survey, satisfaction=0, single=1, multiple=(0, 2), text="希望继续综合查一次"):
    q1, q2, q3, q4 = questions(survey)
    return {q1.pk: satisfaction, q2.pk: single, q3.pk: list(multiple), q4.pk: text}


def test_one_answer_per_enterprise(sent, world):
    invitation = invitation_of(sent, world)
    stale = SurveyInvitation.objects.get(pk=invitation.pk)  # as a concurrent request loaded it
    response = submit_answer(world.users["xingke"], invitation, full_answer(sent))
    assert response.items.count() == 5  # 1 + 1 + 2 options + 1 text
    with pytest.raises(ValidationError) as error:
        submit_answer(world.users["xingke"], stale, full_answer(sent, satisfaction=4))
    assert error.value.message_dict["survey"] == [ALREADY_ANSWERED]
    assert SurveyResponse.objects.count() == 1
    assert AuditEvent.objects.filter(action="survey.answer").count() == 1


def test_a_second_submission_on_the_page_sees_a_message(sent, world):
    invitation = invitation_of(sent, world)
    client = login_client(world.users["xingke"])
    q1, q2, q3, q4 = questions(sent)
    data = {f"q{q1.pk}": "1", f"q{q2.pk}": "0", f"q{q3.pk}": ["1"], f"q{q4.pk}": ""}
    first = client.post(f"/surveys/invitations/{invitation.pk}/", data, follow=True)
    assert "答卷已提交" in first.text and "满意" in first.text
    second = client.post(f"/surveys/invitations/{invitation.pk}/", data, follow=True)
    assert ALREADY_ANSWERED in second.text
    assert SurveyResponse.objects.count() == 1


def test_validation_messages_next_to_the_question(sent, world):
    invitation = invitation_of(sent, world)
    q1, q2, q3, _q4 = questions(sent)
    user = world.users["xingke"]
    with pytest.raises(ValidationError) as error:
        submit_answer(user, invitation, {q2.pk: 7, q3.pk: [0]})
    assert error.value.message_dict == {
        f"q{q1.pk}": ["第 1 题为必答题。"],
        f"q{q2.pk}": ["请从选项中选择。"],
    }
    with pytest.raises(ValidationError) as error:
        submit_answer(user, invitation, full_answer(sent) | {q2.pk: [0, 1]})
    assert error.value.message_dict == {f"q{q2.pk}": ["这一题只能选一项。"]}
    invitation.refresh_from_db()
    assert invitation.answered_at is None  # nothing half-saved
    page = login_client(user).post(f"/surveys/invitations/{invitation.pk}/", {f"q{q2.pk}": "0"})
    assert page.status_code == 200 and "第 1 题为必答题。" in page.text


def test_answers_after_closing_are_refused(sent, world):
    close_survey(world.bureau, sent)
    invitation = invitation_of(sent, world)
    with pytest.raises(ValidationError) as error:
        submit_answer(world.users["xingke"], invitation, full_answer(sent))
    assert "已结束" in error.value.message_dict["survey"][0]
    page = login_client(world.users["xingke"]).get(f"/surveys/invitations/{invitation.pk}/")
    assert "本次调研已结束" in page.text and "提交答卷" not in page.text
    assert AuditEvent.objects.filter(action="survey.close").count() == 1


def test_an_enterprise_answers_only_its_own_invitation(sent, world):
    other = invitation_of(sent, world, "hongda")
    with pytest.raises(PermissionDenied):
        submit_answer(world.users["xingke"], other, full_answer(sent))
    client = login_client(world.users["xingke"])
    assert client.get(f"/surveys/invitations/{other.pk}/").status_code == 404
    assert client.post(f"/surveys/invitations/{other.pk}/", {}).status_code == 404


def test_the_answer_page_is_phone_friendly_and_lists_invitations(sent, world):
    client = login_client(world.users["xingke"])
    listing = client.get("/surveys/")
    assert sent.title in listing.text and "待填写" in listing.text
    page = client.get(f"/surveys/invitations/{invitation_of(sent, world).pk}/")
    assert 'name="viewport"' in page.text and 'type="radio"' in page.text
    assert "非常满意" in page.text and 'type="checkbox"' in page.text
