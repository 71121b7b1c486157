"""Shared set-up of the complaint tests: the visit world (an agency, its provider's credentialed
staff member and a visit to the enterprise on VISIT_DAY) plus the county's oversight bodies.

Test modules import `complaint_world_fixture` (and the fixtures it needs) from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache

from zerodisturb.complaints import services
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.roles import Role
from zerodisturb.testing.commissioning import at, panel_fixture
from zerodisturb.testing.factories import OrganisationFactory, UserFactory
from zerodisturb.testing.visits import VISIT_DAY, VisitWorld, planned_visit, visit_world_fixture

__all__ = [
    "RECEIVED",
    "ComplaintWorld",
    "complaint_world_fixture",
    "panel_fixture",
    "visit_world_fixture",
]

RECEIVED = at(2026, 5, 13, 10)  # a Wednesday, the day after the visit
PHONE = "13812345678"


@dataclass
class ComplaintWorld:
    vw: VisitWorld
    visit: object
    procuratorate_user: object

    @property
    def county(self):
        return self.vw.county

    @property
    def orgs(self) -> dict:
        return self.county.orgs

    def user(self, role: str):
        return self.county.users[role]

    @property
    def officer(self):
        return self.vw.panel.officer

    @property
    def other_officer(self):
        return self.vw.panel.other_officer

    @property
    def supervisor(self):
        return self.vw.panel.supervisor

    @property
    def enterprise_user(self):
        return self.vw.enterprise_user

    @property
    def provider_admin(self):
        return self.user(Role.PROVIDER_ADMIN.value)

    @property
    def credential(self):
        return self.vw.lead.credential

    def complain(self, now=RECEIVED, **kwargs):
        """An enterprise complaint about the visit (routed to the agency) unless told otherwise."""
        args = dict(category="attitude", text="服务人员态度生硬，要求企业购买指定检测服务。")
        if not {"visit", "credential", "provider", "agency"} & set(kwargs):
            args["visit"] = self.visit
        return services.create_complaint(self.enterprise_user, **(args | kwargs), now=now)

    def public(self, now=RECEIVED, phone=PHONE, **kwargs):
        args = dict(county_code=self.county.code, phone=phone, text="有人自称第三方机构上门推销。")
        return services.create_public_complaint(**(args | kwargs), now=now)

    def handled(self, complaint, now=RECEIVED, substantiated=True):
        """Acknowledged, answered, decided and closed by the agency, one hour apart."""
        actor = self.officer if complaint.routed_to_id == self.orgs["agency"].pk else None
        actor = actor or self.supervisor
        complaint, _ = services.acknowledge_complaint(
            actor, complaint, now=now + timedelta(hours=1)
        )
        services.reply_to_complainant(
            actor, complaint, text="已核实情况。", now=now + timedelta(hours=2)
        )
        services.decide_complaint(
            actor,
            complaint,
            substantiated=substantiated,
            note="经调取入企记录核实。",
            now=now + timedelta(hours=3),
        )
        return services.close_complaint(
            actor, complaint, text="已责成第三方机构整改。", now=now + timedelta(hours=4)
        )


@pytest.fixture(name="complaint_world")
def complaint_world_fixture(visit_world) -> ComplaintWorld:
    cache.clear()
    visit = planned_visit(visit_world, VISIT_DAY).visit
    code = visit_world.county.code
    procuratorate = OrganisationFactory(
        county_code=code,
        kind=OrganisationKind.GOVERNMENT,
        name="慈溪市人民检察院营商环境投诉监督中心",
        is_oversight=True,
    )
    user = UserFactory(username="procuratorate", role=Role.OVERSIGHT, organisation=procuratorate)
    return ComplaintWorld(vw=visit_world, visit=visit, procuratorate_user=user)
