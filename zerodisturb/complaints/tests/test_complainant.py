"""The complainant confirms or reopens the closure and rates the handling: an enterprise contact
logged in, or the public with the complaint's number and phone."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.complaints import services
from zerodisturb.complaints.choices import ComplaintStatus
from zerodisturb.complaints.tests.world import PHONE, RECEIVED
from zerodisturb.problems.models import Problem, ProblemState

pytestmark = pytest.mark.django_db
LATER = RECEIVED + timedelta(days=1)


def test_enterprise_reopens_then_confirms_the_second_closure(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    c = services.reopen_complaint(w.enterprise_user, c, reason="问题依旧", now=LATER)
    assert c.status == ComplaintStatus.REOPENED
    assert Problem.objects.get(source_id=c.pk).state == ProblemState.ESCALATED
    # Back with the agency: answer again, may revise the decision, close again.
    c = services.reply_to_complainant(w.officer, c, text="再次核查", now=LATER + timedelta(hours=1))
    c = services.decide_complaint(
        w.officer, c, substantiated=False, note="复核不属实", now=LATER + timedelta(hours=2)
    )
    c = services.close_complaint(w.officer, c, text="复核办结", now=LATER + timedelta(hours=3))
    c = services.confirm_closure(w.enterprise_user, c, now=LATER + timedelta(hours=4))
    assert c.status == ComplaintStatus.CONFIRMED
    assert c.complainant_confirmed_at == LATER + timedelta(hours=4)
    assert c.substantiated is False and c.reopen_count == 1


def test_reopen_needs_a_reason(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    with pytest.raises(ValidationError) as refused:
        services.reopen_complaint(w.enterprise_user, c, reason=" ", now=LATER)
    assert "reason" in refused.value.message_dict


@pytest.mark.parametrize("rating", [0, 6, "6", 4.5, "五", None, True])
def test_rating_outside_one_to_five_is_refused(complaint_world, rating):
    w = complaint_world
    c = w.handled(w.complain())
    with pytest.raises(ValidationError) as refused:
        services.rate_handling(w.enterprise_user, c, rating=rating, now=LATER)
    assert "rating" in refused.value.message_dict
    c.refresh_from_db()
    assert c.rating is None


def test_only_the_complaining_enterprise_confirms(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    for actor in (w.officer, w.provider_admin, w.supervisor):
        with pytest.raises(PermissionDenied):
            services.confirm_closure(actor, c, now=LATER)


def test_the_public_acts_with_the_right_phone_only(complaint_world):
    w = complaint_world
    c = w.public()
    c = services.reroute_complaint(w.supervisor, c, agency=w.orgs["agency"], reason="分办")
    c = w.handled(c)
    with pytest.raises(PermissionDenied):
        services.confirm_closure(None, c, phone="13900000000", now=LATER)
    with pytest.raises(PermissionDenied):
        services.rate_handling(None, c, rating=5, phone="", now=LATER)
    c = services.rate_handling(None, c, rating=5, phone=f"+86 {PHONE}", now=LATER)
    c = services.confirm_closure(None, c, phone=PHONE, now=LATER)
    assert (c.status, c.rating) == (ComplaintStatus.CONFIRMED, 5)
    assert services.find_public_complaint(c.number, PHONE) == c
    assert services.find_public_complaint(c.number, "13900000000") is None
    assert services.find_public_complaint(c.number.lower(), PHONE) == c
