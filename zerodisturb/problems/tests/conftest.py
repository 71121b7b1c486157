import pytest

from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import sync_problem
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.testing.factories import OrganisationFactory


@pytest.fixture
def pool(county):
    """Three problems in the county: a bad review and a complaint about the county's agency and
    provider at its enterprise, and an alert about the other agency's provider elsewhere.

    Any model with a county code can be a problem's source; dummy organisations stand in here so
    the pool is tested on its own."""
    orgs = county.orgs

    def source():
        return OrganisationFactory(county_code=county.code, kind=OrganisationKind.SYSTEM)

    bad = sync_problem(
        source(),
        kind=ProblemKind.BAD_REVIEW,
        title="入企差评整改",
        state=ProblemState.OPEN,
        stage="待机构整改",
        owner=orgs["provider"],
        deadline=None,
        agency=orgs["agency"],
        provider=orgs["provider"],
        enterprise=orgs["enterprise"],
    )
    complaint = sync_problem(
        source(),
        kind=ProblemKind.COMPLAINT,
        title="投诉：要求购买服务",
        state=ProblemState.IN_PROGRESS,
        stage="已受理",
        owner=orgs["agency"],
        agency=orgs["agency"],
        provider=orgs["provider"],
        enterprise=orgs["enterprise"],
    )
    alert = sync_problem(
        source(),
        kind=ProblemKind.ALERT,
        title="入企未亮码",
        state=ProblemState.OPEN,
        owner=orgs["judicial"],
        agency=orgs["other_agency"],
        provider=orgs["other_provider"],
        enterprise=orgs["other_enterprise"],
    )
    return {"bad": bad, "complaint": complaint, "alert": alert}
