"""The provider may state its side once, before the agency decides; asked for it, the decision
waits for its answer or its days; the complainant's identity is never shown to it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.complaints import services
from zerodisturb.complaints.selectors import complainant, timeline
from zerodisturb.complaints.tests.world import RECEIVED
from zerodisturb.notifications.models import Notification
from zerodisturb.problems.models import Problem
from zerodisturb.testing.commissioning import at

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def acknowledged(complaint_world):
    w = complaint_world
    c, _ = services.acknowledge_complaint(w.officer, w.complain(), now=RECEIVED + H)
    return c


def test_the_provider_is_told_and_answers_once_before_the_decision(complaint_world, acknowledged):
    w = complaint_world
    c = acknowledged
    assert Notification.objects.filter(
        recipient=w.provider_admin, title__contains=c.number
    ).exists()
    c = services.answer_as_provider(
        w.provider_admin, c, text="当日人员已出示证件。", now=RECEIVED + 2 * H
    )
    assert c.provider_replied_at == RECEIVED + 2 * H
    with pytest.raises(ValidationError):
        services.answer_as_provider(w.provider_admin, c, text="再补充", now=RECEIVED + 3 * H)
    c.refresh_from_db()
    assert c.provider_reply == "当日人员已出示证件。"


def test_no_reply_after_the_decision(complaint_world, acknowledged):
    w = complaint_world
    services.decide_complaint(
        w.officer, acknowledged, substantiated=True, note="查实", now=RECEIVED + 2 * H
    )
    with pytest.raises(ValidationError) as refused:
        services.answer_as_provider(
            w.provider_admin, acknowledged, text="迟到的陈述", now=RECEIVED + 3 * H
        )
    assert "已作出认定" in refused.value.messages[0]


def test_a_requested_reply_holds_the_decision_until_answered_or_due(complaint_world, acknowledged):
    w = complaint_world
    c = services.request_provider_reply(w.officer, acknowledged, now=RECEIVED + H)
    assert c.provider_reply_due_on == at(2026, 5, 18).date()  # 3 working days
    assert Problem.objects.get(source_id=c.pk).owner == w.orgs["provider"]
    with pytest.raises(ValidationError) as refused:
        services.decide_complaint(
            w.officer, c, substantiated=True, note="x", now=at(2026, 5, 18, 17)
        )
    assert "陈述期" in refused.value.messages[0]
    services.decide_complaint(
        w.officer, c, substantiated=True, note="期满未陈述", now=at(2026, 5, 19, 9)
    )


def test_only_the_complained_provider_answers(complaint_world, acknowledged):
    w = complaint_world
    for actor in (w.officer, w.enterprise_user, w.user("provider_staff")):
        with pytest.raises(PermissionDenied):
            services.answer_as_provider(actor, acknowledged, text="x", now=RECEIVED + 2 * H)


def test_the_provider_never_learns_who_complained(complaint_world, acknowledged):
    w = complaint_world
    c = services.reply_to_complainant(w.officer, acknowledged, text="已联系", now=RECEIVED + 2 * H)
    view = complainant(c, w.provider_admin)
    assert not view.shown and view.enterprise == "" and view.name == ""
    whos = {e.who for e in timeline(c, w.provider_admin)}
    assert w.orgs["enterprise"].name not in whos
    notes = Notification.objects.filter(recipient=w.provider_admin)
    assert not any(w.orgs["enterprise"].name in (n.title + n.body) for n in notes)
