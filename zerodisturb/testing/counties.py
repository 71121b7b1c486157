"""Two counties of one city in one database, each with a record of every kind, for the isolation tests.

`build_rich_county(code, name)` builds one county through the lifecycle services: an item, a filed
contract, a credential, a visit shown at the gate and badly rated (its ticket), a complaint, a visit
never scanned (the worker's alert), a sent survey and 20 June evaluations (an exit warning on
1 July). The tests put 慈溪市 (330282) and 余姚市 (330281) under 宁波市 (330200).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from zerodisturb.complaints.intake import create_complaint
from zerodisturb.complaints.models import Complaint
from zerodisturb.conftest import County, build_county
from zerodisturb.credentials.tokens import sign
from zerodisturb.evaluations.services.evaluations import submit_evaluation
from zerodisturb.scorecards.tests.scenario import evaluations, moment
from zerodisturb.surveys.services import add_question, create_survey, send_survey
from zerodisturb.testing.commissioning import at, build_panel
from zerodisturb.testing.visits import VISIT_DAY, VisitWorld, build_visit_world, plan_args
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import check_in, check_out, plan_visit

CITY, CITY_NAME = "330200", "宁波市"
HERE, HERE_NAME = "330282", "慈溪市"
THERE, THERE_NAME = "330281", "余姚市"


@dataclass
class RichCounty:
    county: County
    world: VisitWorld
    records: dict = field(default_factory=dict)  # kind -> one record of the county

    @property
    def code(self) -> str:
        return self.county.code


def build_rich_county(code: str, name: str) -> RichCounty:
    county = build_county(code, name)
    panel = build_panel(county)
    world = build_visit_world(panel)
    lead, enterprise_user = world.lead, world.enterprise_user
    visit = plan_visit(
        lead.officer,
        **plan_args(
            lead,
            world.enterprise,
            VISIT_DAY,
            kind=VisitKind.ENTERPRISE_REQUEST,
            reason="企业申请技术咨询",
            plan=None,
        ),
    ).visit
    gate = VISIT_DAY + timedelta(minutes=5)
    assert scan(sign(visit.pk, lead.credential.pk, gate), gate, enterprise_user).valid
    check_in(enterprise_user, visit, now=gate)
    check_out(enterprise_user, visit, now=VISIT_DAY + timedelta(hours=2))
    evaluation = submit_evaluation(
        enterprise_user,
        visit,
        now=VISIT_DAY + timedelta(hours=6),
        level=2,
        attitude=2,
        professionalism=2,
        code_shown=True,
        officer_present=True,
        nothing_sold=False,
        burden=2,
        text=f"{name}企业：人员迟到，推荐购买检测服务",
    )
    complaint = create_complaint(
        enterprise_user,
        visit=visit,
        category="attitude",
        text=f"{name}企业投诉：服务人员态度生硬，要求企业购买指定检测服务。",
        now=at(2026, 5, 13),
    )
    # A visit whose window passes without a code shown: the worker raises an alert on it.
    unscanned = plan_visit(
        lead.officer, **plan_args(lead, world.enterprise, VISIT_DAY + timedelta(days=1))
    ).visit
    survey = create_survey(
        world.panel.supervisor, title=f"{name}2026年企业满意度调研", now=at(2026, 11, 2)
    )
    add_question(world.panel.supervisor, survey, kind="satisfaction", text="总体评价")
    survey = send_survey(world.panel.supervisor, survey, now=at(2026, 11, 3))
    # 20 evaluations in June, half satisfied: the provider is warned on 1 July.
    evaluations(world, {5: 5, 4: 5, 3: 5, 2: 5}, moment(2026, 6, 10))
    records = {
        "item": lead.contract.item,
        "contract": lead.contract,
        "credential": lead.credential,
        "visit": visit,
        "unscanned_visit": unscanned,
        "evaluation": evaluation,
        "ticket": evaluation.rectifications.order_by("pk").first(),
        "complaint": Complaint.objects.get(pk=complaint.pk),
        "survey": survey,
        "invitation": survey.invitations.order_by("pk").first(),
        "enterprise": world.enterprise,
        "provider": county.orgs["provider"],
        "agency": county.orgs["agency"],
        "person": county.staff,
        "plan": lead.plan,
    }
    return RichCounty(county, world, records)


__all__ = ["CITY", "HERE", "THERE", "RichCounty", "build_rich_county"]
