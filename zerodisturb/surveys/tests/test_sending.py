"""Sending: who is invited (locality and sector filters), the in-app link, progress, big sends."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.conftest import login_client
from zerodisturb.notifications.models import Notification
from zerodisturb.surveys import services
from zerodisturb.surveys.choices import SurveyStatus
from zerodisturb.surveys.services import send_survey

from .conftest import SENT, build_survey

pytestmark = pytest.mark.django_db


def invited(survey) -> set[str]:
    return {i.enterprise.name for i in survey.invitations.select_related("enterprise")}


def names(world, *keys) -> set[str]:
    return {world.enterprises[k].name for k in keys}


@pytest.mark.parametrize(
    ("localities", "sectors", "expected"),
    [
        ([], [], ("xingke", "town_fibre", "hongda", "other_fibre")),
        (["town"], [], ("xingke", "town_fibre")),
        ([], ["chemical_fibre"], ("xingke", "town_fibre", "other_fibre")),
        (["other_town"], ["chemical_fibre"], ("other_fibre",)),
        (
            ["town", "other_town"],
            ["appliance", "chemical_fibre"],
            ("xingke", "town_fibre", "hongda", "other_fibre"),
        ),
    ],
)
def test_filters(world, localities, sectors, expected):
    survey = build_survey(world)
    divisions = [getattr(world.county, name) for name in localities]
    survey = send_survey(world.bureau, survey, localities=divisions, sectors=sectors, now=SENT)
    assert invited(survey) == names(world, *expected)  # the closed-down one never
    assert survey.status == SurveyStatus.OPEN
    assert survey.send_total == survey.send_done == len(expected)
    event = AuditEvent.objects.get(action="survey.send", object_id=str(survey.pk))
    assert event.payload["enterprises"] == len(expected)


def test_each_enterprise_user_gets_the_link_once(world):
    survey = send_survey(world.bureau, build_survey(world), localities=[world.county.town])
    for key in ("xingke", "town_fibre"):
        note = Notification.objects.get(recipient=world.users[key])
        invitation = survey.invitations.get(enterprise=world.enterprises[key])
        assert note.link == f"/surveys/invitations/{invitation.pk}/"
        assert survey.title in note.title
    assert not Notification.objects.filter(recipient=world.users["hongda"]).exists()
    # Running the invitations again invites nobody twice and sends nothing twice.
    assert services.invite_batches(survey.pk) == 0
    assert survey.invitations.count() == 2 and Notification.objects.count() == 2


def test_nobody_in_range_and_foreign_filters_are_refused(world):
    survey = build_survey(world)
    with pytest.raises(ValidationError) as error:
        send_survey(world.bureau, survey, localities=[world.county.other_town], sectors=["food"])
    assert "没有企业" in error.value.message_dict["localities"][0]
    with pytest.raises(ValidationError):
        send_survey(world.bureau, survey, sectors=["spaceships"])
    with pytest.raises(ValidationError):
        send_survey(world.bureau, survey, localities=[world.county.county])  # not a town
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT and not survey.invitations.exists()


def test_sending_twice_is_refused(world):
    survey = send_survey(world.bureau, build_survey(world))
    with pytest.raises(ValidationError):
        send_survey(world.bureau, survey)
    assert survey.invitations.count() == 4


def test_a_large_send_runs_in_the_background(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_LIMIT", 2)
    monkeypatch.setattr(services, "BATCH", 3)
    survey = build_survey(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        survey = send_survey(world.bureau, survey, now=SENT)
    # The request returns at once; the page shows the progress.
    assert survey.status == SurveyStatus.SENDING and survey.send_total == 4
    assert not survey.invitations.exists()
    page = login_client(world.bureau).get(f"/surveys/{survey.pk}/rate/")
    assert "正在发送：0 / 4 家企业" in page.text
    for callback in callbacks:
        callback()  # the task (django-tasks, run inline by the test backend)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and survey.send_done == 4
    assert survey.invitations.count() == 4


def test_closing_during_a_background_send_stops_the_invitations(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from zerodisturb.surveys import notices
    from zerodisturb.surveys.models import Survey

    monkeypatch.setattr(services, "INLINE_LIMIT", 2)
    monkeypatch.setattr(services, "BATCH", 1)
    survey = build_survey(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        survey = send_survey(world.bureau, survey, now=SENT)
    told = notices.tell_enterprises

    def tell_then_close(survey, batch):
        told(survey, batch)
        # The bureau closes the survey while the first batch is being sent.
        Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED)

    monkeypatch.setattr(notices, "tell_enterprises", tell_then_close)
    for callback in callbacks:
        callback()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert survey.invitations.count() == 1  # the batch in flight, and no more
