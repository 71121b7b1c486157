"""A county with one record of every kind the API shows, for the schemathesis fuzz test.

`build_fuzz_world()` returns the county and `path_ids`: a real id for each path parameter name
of /api/openapi.json, so fuzzed bodies also reach detail and action endpoints of existing rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from zerodisturb.complaints.intake import create_complaint
from zerodisturb.conftest import County, build_county
from zerodisturb.credentials.tokens import sign
from zerodisturb.evaluations.services.evaluations import submit_evaluation
from zerodisturb.problems.models import Problem
from zerodisturb.surveys.services import add_question, create_survey, send_survey
from zerodisturb.testing.commissioning import at, build_panel
from zerodisturb.testing.visits import VISIT_DAY, build_visit_world, plan_args
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import check_in, check_out, plan_visit


@dataclass
class FuzzWorld:
    county: County
    path_ids: dict[str, object] = field(default_factory=dict)


def build_fuzz_world() -> FuzzWorld:
    county = build_county()
    panel = build_panel(county)
    world = build_visit_world(panel)
    lead = world.lead
    enterprise_user = world.enterprise_user
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
    token = sign(visit.pk, lead.credential.pk, gate)
    assert scan(token, gate, enterprise_user).valid
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
        text="人员迟到，推荐购买检测服务，占用生产时间",
    )
    complaint = create_complaint(
        enterprise_user,
        visit=visit,
        category="attitude",
        text="服务人员态度生硬，要求企业购买指定检测服务。",
        now=at(2026, 5, 13),
    )
    survey = create_survey(panel.supervisor, title="2026年企业满意度调研", now=at(2026, 11, 2))
    add_question(panel.supervisor, survey, kind="satisfaction", text="总体评价")
    survey = send_survey(panel.supervisor, survey, now=at(2026, 11, 3))
    ticket = evaluation.rectifications.order_by("pk").first()
    problem = Problem.objects.filter(county_code=county.code).order_by("pk").first()
    ids = {
        "org_id": lead.contract.provider_id,
        "person_id": county.staff.pk,
        "item_id": lead.contract.item_id,
        "contract_id": lead.contract.pk,
        "credential_id": lead.credential.pk,
        "number": lead.credential.number,
        "visit_id": visit.pk,
        "token": token,
        "evaluation_id": evaluation.pk,
        "ticket_id": ticket.pk if ticket else None,
        "complaint_id": complaint.pk,
        "problem_id": problem.pk if problem else None,
        "survey_id": survey.pk,
        "invitation_id": survey.invitations.order_by("pk").first().pk,
    }
    return FuzzWorld(county, {k: v for k, v in ids.items() if v is not None})
