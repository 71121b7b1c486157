"""A county with a filed contract and a checked-out visit ready to be rated (built on visit_world).

`rated_world` gives `world` (VisitWorld), `visit` (checked out on VISIT_DAY) and helpers to make
more checked-out visits and evaluations on a controlled clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from zerodisturb.credentials.tokens import sign
from zerodisturb.evaluations.services import submit_evaluation
from zerodisturb.roles import Role
from zerodisturb.testing.commissioning import at, panel_fixture  # noqa: F401  (a fixture)
from zerodisturb.testing.factories import UserFactory
from zerodisturb.testing.visits import (  # noqa: F401  (visit_world is a fixture)
    VISIT_DAY,
    Party,
    VisitWorld,
    plan_args,
    visit_world_fixture,
)
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import check_in, check_out, join_visit, plan_visit

CHECKED_OUT = VISIT_DAY + timedelta(hours=2)
RATED = VISIT_DAY + timedelta(hours=6)

GOOD = dict(
    level=4,
    attitude=4,
    professionalism=4,
    code_shown=True,
    officer_present=True,
    nothing_sold=True,
    burden=5,
    text="服务规范，没有影响生产",
)
BAD = GOOD | dict(level=2, attitude=2, text="人员迟到，推荐购买检测服务，占用生产时间")


def answers(**overrides) -> dict:
    return GOOD | overrides


def checked_out(
    world: VisitWorld,
    when: datetime = VISIT_DAY,
    *,
    joint: Party | None = None,
    enterprise_user=None,
    check_out_visit: bool = True,
):
    """A visit on `when` (exempt from the yearly cap, so tests can make many), scanned, checked
    in and (by default) checked out by the enterprise; `joint` adds a second agency's party."""
    user = enterprise_user or world.enterprise_user
    visit = plan_visit(
        world.lead.officer,
        **plan_args(
            world.lead,
            user.organisation,
            when,
            kind=VisitKind.ENTERPRISE_REQUEST,
            reason="企业申请技术咨询",
            plan=None,
        ),
    ).visit
    if joint is not None:
        join_visit(
            joint.officer,
            visit,
            contract=joint.contract,
            credentials=[joint.credential],
            officers=[joint.escort],
            now=when - timedelta(days=1),
        )
    gate = when + timedelta(minutes=5)
    assert scan(sign(visit.pk, world.lead.credential.pk, gate), gate, user).valid
    check_in(user, visit, now=gate)
    if check_out_visit:
        check_out(user, visit, now=when + timedelta(hours=2))
    visit.refresh_from_db()
    return visit


def rate(world, visit, now: datetime | None = None, actor=None, **overrides):
    return submit_evaluation(
        actor or world.enterprise_user,
        visit,
        now=now or (visit.checked_out_at + timedelta(hours=4)),
        **answers(**overrides),
    )


def enterprise_contact(world, key: str = "other_enterprise", username: str = "ent2"):
    """The contact of another enterprise of the county (宏达电器)."""
    return UserFactory(username=username, role=Role.ENTERPRISE, organisation=world.county.orgs[key])


@dataclass
class Rated:
    world: VisitWorld
    visit: object

    @property
    def county(self):
        return self.world.county

    def user(self, role: str):
        return self.world.county.users[role]


@pytest.fixture
def rated_world(visit_world) -> Rated:
    return Rated(visit_world, checked_out(visit_world))


__all__ = ["BAD", "CHECKED_OUT", "GOOD", "RATED", "at", "checked_out", "rate"]
