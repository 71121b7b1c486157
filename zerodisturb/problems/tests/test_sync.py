"""sync_problem keeps one row per source, stamps closure once and records each move as a step."""

from datetime import UTC, date, datetime

from zerodisturb.problems.models import Problem, ProblemKind, ProblemState
from zerodisturb.problems.services import problem_for, sync_problem
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.testing.factories import OrganisationFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _sync(source, county, now, **overrides):
    fields = dict(
        kind=ProblemKind.COMPLAINT,
        title="投诉",
        state=ProblemState.OPEN,
        stage="待受理",
        owner=county.orgs["agency"],
        deadline=date(2026, 3, 3),
        agency=county.orgs["agency"],
        enterprise=county.orgs["enterprise"],
        now=now,
    )
    fields.update(overrides)
    return sync_problem(source, **fields)


def test_one_row_per_source_updated_in_place(county):
    source = OrganisationFactory(county_code=county.code, kind=OrganisationKind.SYSTEM)
    first = _sync(source, county, T0)
    second = _sync(source, county, T1, state=ProblemState.IN_PROGRESS, stage="已受理")
    assert first.pk == second.pk
    assert Problem.objects.count() == 1
    assert problem_for(source).stage == "已受理"
    assert second.opened_at == T0
    assert second.updated_at == T1


def test_locality_follows_the_enterprise(county):
    source = OrganisationFactory(county_code=county.code, kind=OrganisationKind.SYSTEM)
    problem = _sync(source, county, T0)
    assert problem.locality_id == county.orgs["enterprise"].locality_id


def test_closed_at_is_stamped_once_and_cleared_on_reopen(county):
    source = OrganisationFactory(county_code=county.code, kind=OrganisationKind.SYSTEM)
    _sync(source, county, T0)
    closed = _sync(source, county, T1, state=ProblemState.CLOSED, stage="已办结")
    assert closed.closed_at == T1
    again = _sync(source, county, T2, state=ProblemState.CLOSED, stage="已办结")
    assert again.closed_at == T1
    reopened = _sync(source, county, T2, state=ProblemState.IN_PROGRESS, stage="重新办理")
    assert reopened.closed_at is None
    assert reopened.is_open


def test_a_step_is_recorded_only_when_the_problem_moves(county):
    source = OrganisationFactory(county_code=county.code, kind=OrganisationKind.SYSTEM)
    _sync(source, county, T0)
    retitled = _sync(source, county, T1, title="投诉（补充材料）")  # same state, stage, owner
    assert retitled.title == "投诉（补充材料）"
    problem = _sync(
        source,
        county,
        T2,
        state=ProblemState.ESCALATED,
        stage="已升级",
        owner=county.orgs["judicial"],
    )
    steps = list(problem.steps.all())
    assert [(s.stage, s.owner_id, s.at) for s in steps] == [
        ("待受理", county.orgs["agency"].pk, T0),
        ("已升级", county.orgs["judicial"].pk, T2),
    ]
