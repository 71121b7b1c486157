"""Below five evaluations the rated see no evaluation figure at all; supervisors see them."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from zerodisturb.scorecards.tests.scenario import evaluate, evaluations, moment


def _recent(days_ago: int):
    """A day inside the scorecard's rolling 12 months, which end on the real today."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return moment(day.year, day.month, day.day)


def _card(client, org):
    return client.get(reverse("scorecards:detail", args=[org.pk])).content.decode()


def test_four_evaluations_hidden_from_provider_and_agency(visit_world, as_role):
    evaluations(visit_world, {2: 3, 5: 1}, _recent(30))
    provider = visit_world.county.orgs["provider"]
    agency = visit_world.county.orgs["agency"]
    for role, org in (("provider_admin", provider), ("agency_officer", agency)):
        page = _card(as_role(role), org)
        assert "不足 5 条，暂不显示" in page
        assert "25.00%" not in page and "75.00%" not in page
        api = as_role(role).get(f"/api/v1/scorecards/{org.pk}").json()
        assert api["figures"]["evaluations_shown"] is False
        assert api["figures"]["evaluations"] is None
        assert api["figures"]["by_level"] is None
        assert all(m["figures"]["evaluations"] is None for m in api["months"])
    page = _card(as_role("supervisor"), provider)
    assert "25.00%" in page


def test_five_evaluations_shown(visit_world, as_role):
    evaluations(visit_world, {5: 4}, _recent(30))
    evaluate(visit_world, 2, _recent(29))
    provider = visit_world.county.orgs["provider"]
    page = _card(as_role("provider_admin"), provider)
    assert "80.00%" in page
    api = as_role("provider_admin").get(f"/api/v1/scorecards/{provider.pk}").json()
    assert api["figures"]["evaluations"] == 5
