"""Roles × actions: who sees evaluation rows, tickets and the menu; who may open each page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zerodisturb.conftest import login_client
from zerodisturb.evaluations import permissions as perms
from zerodisturb.evaluations.models import Rectification
from zerodisturb.evaluations.tests.conftest import BAD, enterprise_contact, rate

pytestmark = pytest.mark.django_db

# role: (sees the evaluation row, sees the ticket, has the menu entry)
MATRIX = {
    "supervisor": (True, True, True),
    "oversight": (True, True, True),
    "system_admin": (True, True, True),
    "agency_officer": (False, True, True),
    "other_agency_officer": (False, False, True),
    "provider_admin": (False, True, True),
    "provider_staff": (False, False, False),
    "enterprise": (True, True, True),
    "other_enterprise": (False, False, True),
    "locality": (False, False, True),
    "reviewer": (False, False, False),
}


@pytest.fixture
def bad_review(rated_world):
    evaluation = rate(rated_world.world, rated_world.visit, **BAD)
    return rated_world, evaluation, Rectification.objects.get()


def user_for(world, role: str):
    if role == "other_agency_officer":
        return world.world.panel.other_officer
    if role == "other_enterprise":
        return enterprise_contact(world.world)
    return world.user(role)


@pytest.mark.parametrize("role", MATRIX)
def test_matrix(bad_review, role):
    world, evaluation, ticket = bad_review
    user = user_for(world, role)
    sees_row, sees_ticket, menu = MATRIX[role]
    assert perms.visible_evaluations(user).filter(pk=evaluation.pk).exists() is sees_row
    assert perms.visible_rectifications(user).filter(pk=ticket.pk).exists() is sees_ticket
    assert perms.can_see_nav(user) is menu
    client = login_client(user)
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == (200 if sees_row else 404)
    expected = 200 if sees_ticket else 404
    assert client.get(f"/evaluations/rectifications/{ticket.pk}/").status_code == expected
    api = client.get(f"/api/v1/evaluations/rectifications/{ticket.pk}")
    assert api.status_code == expected


@pytest.mark.parametrize(
    ("role", "sees_enterprise", "sees_author"),
    [
        ("supervisor", True, True),
        ("oversight", True, True),
        ("agency_officer", True, False),
        ("provider_admin", False, False),
        ("enterprise", True, True),
    ],
)
def test_what_a_ticket_shows(bad_review, role, sees_enterprise, sees_author):
    world, _evaluation, ticket = bad_review
    user = world.user(role)
    assert perms.sees_enterprise_on_ticket(user) is sees_enterprise
    assert perms.sees_author_on_ticket(user, ticket) is sees_author


@pytest.mark.parametrize("role", [r for r in MATRIX if r != "enterprise"])
def test_only_the_enterprise_may_open_the_rating_form(rated_world, role):
    user = user_for(rated_world, role)
    response = login_client(user).get(f"/evaluations/visit/{rated_world.visit.pk}/")
    assert response.status_code in (403, 404)
    assert not perms.can_evaluate(user, rated_world.visit)


def test_the_enterprise_may_rate_and_amend_within_the_window(rated_world):
    user = rated_world.world.enterprise_user
    assert perms.can_evaluate(user, rated_world.visit)
    evaluation = rate(rated_world.world, rated_world.visit)
    assert perms.can_amend(user, evaluation, evaluation.amend_until)
    assert not perms.can_amend(
        user, evaluation, evaluation.amend_until + timezone.timedelta(seconds=1)
    )


@pytest.mark.parametrize(
    ("status", "role"),
    [
        ("open", "provider_admin"),
        ("answered", "agency_officer"),
        ("called_back", "enterprise"),
        ("escalated", "supervisor"),
    ],
)
def test_each_step_has_one_acting_role(bad_review, status, role):
    world, _evaluation, ticket = bad_review
    ticket.status = status
    checks = {
        "provider_admin": perms.can_answer,
        "agency_officer": perms.can_call_back,
        "enterprise": perms.can_respond,
        "supervisor": perms.can_decide,
    }
    for other, check in checks.items():
        assert check(world.user(other), ticket) is (other == role)
