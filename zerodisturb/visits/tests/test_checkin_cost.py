"""What a check-in and a check-out cost in queries through the API, the answer included.

The gate calls these under load. The bounds hold the path as it is: token, the visit, the
conditional UPDATE, the audit event, and the answer's lists read as narrow rows. A regression
(re-reading the row, a query per party or per person, counting the parties) fails here.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone

from zerodisturb.testing.commissioning import panel_fixture
from zerodisturb.visits.models import Visit
from zerodisturb.visits.tests.api_world import V1, client, lead_side, other_side, plan_body

__all__ = ["panel_fixture"]

# The API token (1) and its last-used stamp (1), the visit (1), the transaction's savepoint and
# release (2), the conditional UPDATE (1), the audit event with its chain head (5), and the
# answer's parties, staff, officers and findings (4).
CHECK_IN_QUERIES = 15
# An answer with already=true (most calls at a gate, where several phones confirm one arrival):
# the token, the visit, the (empty) transaction's savepoint and release, and the answer's lists;
# nothing written, nothing re-read.
ALREADY_QUERIES = 8


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def joint_visit(panel):
    """A visit of two agencies (so the lists have rows from several tables) with a valid scan."""
    side, other = lead_side(panel), other_side(panel)
    enterprise = panel.county.orgs["enterprise"]
    answer = client(panel, side.officer).post(
        f"{V1}/visits", plan_body(side, enterprise), content_type="application/json"
    )
    assert answer.status_code == 201, answer.json()
    visit_id = answer.json()["visit"]["id"]
    body = {
        "contract": other.contract.pk,
        "credentials": [other.credential.pk],
        "officers": [other.escort.pk],
    }
    joined = client(panel, other.officer).post(
        f"{V1}/visits/{visit_id}/join", body, content_type="application/json"
    )
    assert joined.status_code == 200, joined.json()
    Visit.objects.filter(pk=visit_id).update(valid_scan_at=timezone.now())
    return visit_id, side


def test_a_check_in_answers_the_whole_visit_in_bounded_queries(
    panel, joint_visit, django_assert_max_num_queries
):
    visit_id, side = joint_visit
    company = client(panel, "enterprise")
    with django_assert_max_num_queries(CHECK_IN_QUERIES):
        answer = company.post(f"{V1}/visits/{visit_id}/check-in")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["already"] is False
    visit = body["visit"]
    assert visit["status"] == "in_progress" and visit["checked_in_at"] is not None
    assert visit["valid_scan_at"] is not None and visit["is_joint"] is True
    assert [p["is_lead"] for p in visit["parties"]] == [True, False]
    assert visit["parties"][0]["contract"] == side.contract.number
    assert len(visit["staff"]) == 2 and all(s["name"] and s["provider"] for s in visit["staff"])
    assert len(visit["officers"]) == 2 and all(o["agency"] for o in visit["officers"])

    with django_assert_max_num_queries(ALREADY_QUERIES):
        again = company.post(f"{V1}/visits/{visit_id}/check-in")
    assert again.json()["already"] is True
    assert again.json()["visit"]["checked_in_at"] == visit["checked_in_at"]


def test_a_check_out_answers_the_whole_visit_in_bounded_queries(
    panel, joint_visit, django_assert_max_num_queries
):
    visit_id, _side = joint_visit
    assert client(panel, "enterprise").post(f"{V1}/visits/{visit_id}/check-in").status_code == 200
    company = client(panel, "enterprise")
    with django_assert_max_num_queries(CHECK_IN_QUERIES):
        answer = company.post(f"{V1}/visits/{visit_id}/check-out")
    assert answer.status_code == 200, answer.json()
    visit = answer.json()["visit"]
    assert answer.json()["already"] is False and visit["status"] == "completed"
    assert visit["checked_in_at"] is not None and visit["checked_out_at"] is not None
    assert len(visit["parties"]) == 2 and visit["findings"] == []
