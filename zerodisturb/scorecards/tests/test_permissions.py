"""Roles × actions on scorecards and exit cases, the must-not cells included."""

import pytest
from django.urls import reverse

from zerodisturb.conftest import login_client
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.roles import Role
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.scorecards.tests.scenario import evaluations, moment
from zerodisturb.testing.factories import UserFactory

ALL_ROLES = [r.value for r in Role]


@pytest.fixture
def proposed(visit_world):
    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    assess_providers(moment(2026, 8, 1))
    case = ExitCase.objects.get()
    assert case.status == ExitStatus.PROPOSED
    return case


LIST = {
    "supervisor": 200,
    "oversight": 200,
    "system_admin": 200,
    "agency_officer": 302,  # to its own agency's scorecard
    "provider_admin": 302,  # to its own scorecard
    "provider_staff": 403,
    "enterprise": 403,
    "locality": 403,
    "reviewer": 403,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_page(role, as_role, visit_world):
    response = as_role(role).get(reverse("scorecards:list"))
    assert response.status_code == LIST[role]


PROVIDER_CARD = {"supervisor", "oversight", "system_admin", "provider_admin"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_provider_scorecard(role, as_role, visit_world):
    provider = visit_world.county.orgs["provider"]
    response = as_role(role).get(reverse("scorecards:detail", args=[provider.pk]))
    assert response.status_code == (200 if role in PROVIDER_CARD else 404)


def test_agency_sees_its_own_scorecard_not_anothers(visit_world):
    county, panel = visit_world.county, visit_world.panel
    own, other = county.orgs["agency"], county.orgs["other_agency"]
    client = login_client(panel.officer)
    assert client.get(reverse("scorecards:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("scorecards:detail", args=[other.pk])).status_code == 404
    assert (
        login_client(panel.other_officer)
        .get(reverse("scorecards:detail", args=[own.pk]))
        .status_code
        == 404
    )


def test_provider_cannot_see_another_providers_scorecard_or_case(proposed, visit_world):
    other = visit_world.county.orgs["other_provider"]
    admin = UserFactory(username="other_admin", role=Role.PROVIDER_ADMIN, organisation=other)
    client = login_client(admin)
    provider = visit_world.county.orgs["provider"]
    assert client.get(reverse("scorecards:detail", args=[provider.pk])).status_code == 404
    assert client.get(reverse("scorecards:exit_detail", args=[proposed.pk])).status_code == 404


SEES_CASE = {"supervisor", "oversight", "system_admin", "provider_admin", "agency_officer"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_exit_case_page(role, as_role, proposed):
    response = as_role(role).get(reverse("scorecards:exit_detail", args=[proposed.pk]))
    assert response.status_code == (200 if role in SEES_CASE else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_the_judicial_bureau_confirms(role, as_role, proposed):
    url = reverse("scorecards:exit_confirm", args=[proposed.pk])
    response = as_role(role).post(url, {"confirm-reason": "整改期满仍未达标"})
    expected = {"supervisor": 302}.get(role, 403 if role in SEES_CASE else 404)
    assert response.status_code == expected
    proposed.refresh_from_db()
    assert (proposed.status == ExitStatus.EXITED) == (role == "supervisor")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_the_provider_replies(role, as_role, proposed):
    url = reverse("scorecards:exit_reply", args=[proposed.pk])
    response = as_role(role).post(url, {"text": "已整改"})
    expected = {"provider_admin": 302}.get(role, 403 if role in SEES_CASE else 404)
    assert response.status_code == expected


def test_a_supervisor_of_another_county_cannot_decide(proposed):
    from zerodisturb.testing.factories import OrganisationFactory

    bureau = OrganisationFactory(
        county_code="330281", kind=OrganisationKind.GOVERNMENT, is_judicial_bureau=True
    )
    outsider = UserFactory(username="yuyao_sfj", role=Role.SUPERVISOR, organisation=bureau)
    url = reverse("scorecards:exit_confirm", args=[proposed.pk])
    assert login_client(outsider).post(url, {"confirm-reason": "x"}).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_threshold_settings(role, as_role, visit_world):
    response = as_role(role).get(reverse("scorecards:thresholds"))
    assert response.status_code == (200 if role == "supervisor" else 403)
