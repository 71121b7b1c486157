"""A county with five enterprises in two towns and the bureau's standard questionnaire."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.roles import Role
from zerodisturb.surveys.services import add_question, create_survey
from zerodisturb.testing.commissioning import at
from zerodisturb.testing.factories import OrganisationFactory, UserFactory

CREATED = at(2026, 11, 2, 9)
SENT = at(2026, 11, 3, 9)

STANDARD = [
    dict(kind="satisfaction", text="您对第三方辅助服务入企的总体评价"),
    dict(kind="single", text="与去年相比，入企次数", options=["明显减少", "基本不变", "有所增加"]),
    dict(
        kind="multiple",
        text="希望改进的方面",
        options=["提前告知", "亮码入企", "综合查一次"],
        required=False,
    ),
    dict(kind="text", text="其他意见和建议", required=False),
]


@dataclass
class SurveyWorld:
    county: object
    bureau: object  # the judicial bureau's supervisor
    # enterprises: key → Organisation; users: key → enterprise contact (User)
    enterprises: dict
    users: dict


def enterprise_user(org, username):
    return UserFactory(username=username, role=Role.ENTERPRISE, organisation=org)


@pytest.fixture
def world(county) -> SurveyWorld:
    orgs = county.orgs
    town, other_town = county.town, county.other_town
    extra = dict(county_code=county.code, kind=OrganisationKind.ENTERPRISE)
    enterprises = {
        "xingke": orgs["enterprise"],  # 宗汉街道, 化纤纺织
        "town_fibre": OrganisationFactory(
            **extra, name="甲纺织有限公司", locality=town, sector="chemical_fibre"
        ),
        "hongda": orgs["other_enterprise"],  # 周巷镇, 家电制造
        "other_fibre": OrganisationFactory(
            **extra, name="乙化纤有限公司", locality=other_town, sector="chemical_fibre"
        ),
        "closed_down": OrganisationFactory(
            **extra, name="丙已注销有限公司", locality=town, sector="chemical_fibre", active=False
        ),
    }
    users = {
        "xingke": county.users[Role.ENTERPRISE.value],
        "town_fibre": enterprise_user(enterprises["town_fibre"], "ent_town_fibre"),
        "hongda": enterprise_user(enterprises["hongda"], "ent_hongda"),
        "other_fibre": enterprise_user(enterprises["other_fibre"], "ent_other_fibre"),
    }
    return SurveyWorld(county, county.users[Role.SUPERVISOR.value], enterprises, users)


def build_survey(world, title="2026年第三方辅助服务企业满意度调研", previous=None, questions=None):
    survey = create_survey(world.bureau, title=title, previous=previous, now=CREATED)
    for q in questions if questions is not None else STANDARD:
        add_question(world.bureau, survey, **q)
    return survey
