"""PostgreSQL only: ten simultaneous submissions of one enterprise's answer make one answer."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from zerodisturb.surveys.models import AnswerItem, SurveyInvitation, SurveyResponse
from zerodisturb.surveys.services import ALREADY_ANSWERED, send_survey, submit_answer

from .conftest import build_survey

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def race(jobs: list) -> tuple[list, list]:
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_simultaneous_submissions_make_one_answer(world):
    survey = send_survey(world.bureau, build_survey(world))
    invitation = survey.invitations.get(enterprise=world.enterprises["xingke"])
    q1, q2, _q3, _q4 = survey.questions.order_by("position")
    user = world.users["xingke"]

    def submit():
        fresh = SurveyInvitation.objects.select_related("survey").get(pk=invitation.pk)
        return submit_answer(user, fresh, {q1.pk: 0, q2.pk: 1})

    results, errors = race([submit] * 10)

    assert len(results) == 1
    assert len(errors) == 9
    assert all(isinstance(e, ValidationError) for e in errors)
    assert all(e.message_dict["survey"] == [ALREADY_ANSWERED] for e in errors)
    assert SurveyResponse.objects.count() == 1 and AnswerItem.objects.count() == 2
