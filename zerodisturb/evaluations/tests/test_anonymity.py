"""Anonymity: a provider or an agency never learns who rated what — not through a page, the API
or a count below 5; the agency sees the enterprise on a ticket (it calls it back), never the
author; supervisors see authors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zerodisturb.conftest import login_client
from zerodisturb.evaluations.anonymity import MIN_GROUP, guarded_figures, shown
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.evaluations.tests.conftest import BAD, checked_out, rate
from zerodisturb.testing.visits import VISIT_DAY

pytestmark = pytest.mark.django_db

AUTHOR = "王评价人"


def rated_visits(world, count: int, bad: int = 1) -> list[Evaluation]:
    world.enterprise_user.display_name = AUTHOR
    world.enterprise_user.save(update_fields=["display_name"])
    evaluations = []
    for n in range(count):
        visit = checked_out(world, VISIT_DAY + timedelta(days=n))
        level = BAD if n < bad else {"level": 5 if n % 2 else 4, "attitude": 5}
        evaluations.append(rate(world, visit, **level))
    return evaluations


def page(user, url: str) -> str:
    response = login_client(user).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_threshold():
    assert MIN_GROUP == 5 and not shown(4) and shown(5)


@pytest.mark.parametrize("role", ["provider_admin", "agency_officer", "locality"])
def test_below_five_nothing_is_shown_not_even_the_count(visit_world, role):
    rated_visits(visit_world, 4)
    user = visit_world.county.users[role]
    html = page(user, "/evaluations/")
    assert "不足 5 条，暂不显示" in html
    assert "评价数" not in html
    body = login_client(user).get("/api/v1/evaluations/figures").json()
    assert all(not g["shown"] and g["total"] is None for g in body["groups"])


@pytest.mark.parametrize("role", ["provider_admin", "agency_officer", "locality"])
def test_from_five_the_figures_are_shown(visit_world, role):
    rated_visits(visit_world, 5)  # 1 不满意, 2 非常满意, 2 满意
    user = visit_world.county.users[role]
    body = login_client(user).get("/api/v1/evaluations/figures").json()
    whole = body["groups"][0]
    assert whole["shown"] and whole["total"] == 5
    assert whole["satisfaction_rate"] == 80.0
    assert whole["weighted_score"] == 80.0  # (40 + 100 + 100 + 80 + 80) / 5
    assert whole["bad_rate"] == 20.0
    assert "80.0%" in page(user, "/evaluations/")


def test_guarded_figures_hide_a_small_group(visit_world):
    rated_visits(visit_world, 2)
    assert not guarded_figures("x", Evaluation.objects.all()).shown


@pytest.mark.parametrize("role", ["provider_admin", "agency_officer"])
def test_provider_and_agency_never_see_the_author(visit_world, role):
    rated_visits(visit_world, 6)
    user = visit_world.county.users[role]
    ticket = Rectification.objects.get()
    evaluation = ticket.evaluation
    client = login_client(user)
    texts = [
        page(user, "/evaluations/"),
        page(user, "/evaluations/rectifications/"),
        page(user, f"/evaluations/rectifications/{ticket.pk}/"),
        client.get("/api/v1/evaluations/rectifications").content.decode(),
        client.get(f"/api/v1/evaluations/rectifications/{ticket.pk}").content.decode(),
        client.get("/api/v1/evaluations").content.decode(),
        client.get("/api/v1/evaluations/figures").content.decode(),
    ]
    for text in texts:
        assert AUTHOR not in text and visit_world.enterprise_user.username not in text
    # No evaluation row, by list or by id, page or API.
    assert client.get("/api/v1/evaluations").json()["count"] == 0
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}").status_code == 404
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == 404


def test_the_provider_does_not_see_the_enterprise(visit_world):
    rated_visits(visit_world, 6)
    user = visit_world.county.users["provider_admin"]
    ticket = Rectification.objects.get()
    name = visit_world.enterprise.name
    client = login_client(user)
    assert name not in page(user, "/evaluations/rectifications/")
    detail = page(user, f"/evaluations/rectifications/{ticket.pk}/")
    assert name not in detail and ticket.visit.number not in detail
    assert "人员迟到" in detail  # the text of the bad review, so it can rectify
    data = client.get(f"/api/v1/evaluations/rectifications/{ticket.pk}").json()
    assert data["enterprise"] is None and data["enterprise_id"] is None
    assert data["visit_number"] is None and data["author"] is None
    assert name not in client.get("/api/v1/evaluations/rectifications").content.decode()


def test_the_agency_sees_the_enterprise_to_call_it_back_but_not_the_author(visit_world):
    rated_visits(visit_world, 1)
    user = visit_world.county.users["agency_officer"]
    ticket = Rectification.objects.get()
    detail = page(user, f"/evaluations/rectifications/{ticket.pk}/")
    assert visit_world.enterprise.name in detail and AUTHOR not in detail
    data = login_client(user).get(f"/api/v1/evaluations/rectifications/{ticket.pk}").json()
    assert data["enterprise"] == visit_world.enterprise.name and data["author"] is None


@pytest.mark.parametrize("role", ["supervisor", "oversight"])
def test_supervisors_see_authors(visit_world, role):
    rated_visits(visit_world, 2)
    user = visit_world.county.users[role]
    assert AUTHOR in page(user, "/evaluations/")
    ticket = Rectification.objects.get()
    assert AUTHOR in page(user, f"/evaluations/rectifications/{ticket.pk}/")
    items = login_client(user).get("/api/v1/evaluations").json()["items"]
    assert {item["author"] for item in items} == {AUTHOR}
