"""Who sees which problems, and bad reviews anonymous towards provider and agency: role matrix."""

import pytest

from zerodisturb.conftest import build_county
from zerodisturb.problems.permissions import can_see_nav, sees_enterprise, visible_problems
from zerodisturb.problems.services import sync_problem

EXPECTED = {
    "supervisor": {"bad", "complaint", "alert"},
    "oversight": {"bad", "complaint", "alert"},
    "system_admin": {"bad", "complaint", "alert"},
    "agency_officer": {"bad", "complaint"},
    "provider_admin": {"bad", "complaint"},
    "enterprise": {"bad", "complaint"},
    "locality": {"bad", "complaint"},
    "provider_staff": set(),
    "reviewer": set(),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_its_share(county, pool, role):
    user = county.users[role]
    seen = {name for name, p in pool.items() if visible_problems(user).filter(pk=p.pk).exists()}
    assert seen == EXPECTED[role]
    assert can_see_nav(user) == bool(EXPECTED[role])


@pytest.mark.parametrize(
    "role,shown",
    [
        ("supervisor", True),
        ("oversight", True),
        ("enterprise", True),
        ("locality", True),
        ("agency_officer", True),  # it calls the enterprise back / answers its complaint
        ("provider_admin", False),
        ("provider_staff", False),
    ],
)
def test_bad_reviews_and_complaints_hide_the_enterprise_from_the_provider(
    county, pool, role, shown
):
    assert sees_enterprise(county.users[role], pool["bad"]) is shown
    assert sees_enterprise(county.users[role], pool["complaint"]) is shown
    assert sees_enterprise(county.users[role], pool["alert"]) is True


def test_another_countys_supervisor_sees_nothing(county, pool):
    other = build_county("330281", "余姚市")
    assert not visible_problems(other.users["supervisor"]).exists()
    # …and a problem of that county stays out of this county's pool.
    sync_problem(
        other.orgs["agency"],
        kind="alert",
        title="余姚的预警",
        state="open",
        owner=other.orgs["judicial"],
    )
    assert not visible_problems(county.users["supervisor"]).filter(title="余姚的预警").exists()


def test_owner_sees_problems_it_must_act_on(county, pool):
    # The judicial bureau owns the alert; another party's officer owning a problem sees it too.
    pool["alert"].owner = county.orgs["agency"]
    pool["alert"].save()
    assert visible_problems(county.users["agency_officer"]).filter(pk=pool["alert"].pk).exists()
