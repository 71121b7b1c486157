"""能少则少: what the reviewers see about other agencies' items that cover the same ground."""

from __future__ import annotations

import pytest

from zerodisturb.commissioning.overlap import THRESHOLD, find_overlaps
from zerodisturb.commissioning.services import submit_item
from zerodisturb.testing.commissioning import at, draft_item, submitted_item
from zerodisturb.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 2)
SIMILAR = "为化纤纺织企业提供消防安全隐患排查技术咨询，协助梳理风险点并提出风险提示。"
UNRELATED = "开展机动车尾气遥感监测设备运维和道路扬尘数据统计分析。"


def test_similar_item_of_another_agency_is_shown_with_shared_enterprises(panel):
    orgs = panel.county.orgs
    OrganisationFactory(
        county_code=panel.code, name="慈溪市恒丰纺织有限公司", sector="chemical_fibre"
    )
    existing = submitted_item(panel, NOW, actor=panel.other_officer, content=SIMILAR)

    # Targets: the two fibre plants through the shared sector, plus an appliance maker only
    # this item names.
    mine = draft_item(
        panel,
        content=SIMILAR,
        target_enterprises=[orgs["other_enterprise"].pk],
        target_sectors=["chemical_fibre"],
    )
    overlaps = submit_item(panel.officer, mine, now=NOW).overlaps

    assert [o.item for o in overlaps] == [existing]
    found = overlaps[0]
    assert found.score > THRESHOLD
    assert found.text_similarity > 0.9
    assert found.shared_enterprises == 2  # 兴科化纤 and 恒丰纺织, not the appliance maker
    assert found.shared_sectors == ["chemical_fibre"]


def test_unrelated_content_and_targets_are_not_listed(panel):
    submitted_item(
        panel,
        NOW,
        actor=panel.other_officer,
        domain="ecology",
        title="机动车尾气遥感监测运维",
        content=UNRELATED,
        target_sectors=["logistics"],
        target_enterprises=[],
    )
    mine = draft_item(panel)

    assert submit_item(panel.officer, mine, now=NOW).overlaps == []


def test_items_of_the_same_agency_are_not_listed(panel):
    submitted_item(panel, NOW, content=SIMILAR)
    mine = draft_item(panel, content=SIMILAR)

    assert submit_item(panel.officer, mine, now=NOW).overlaps == []


def test_drafts_and_withdrawn_items_of_others_are_not_listed(panel):
    from zerodisturb.commissioning.services import withdraw_item

    draft_item(panel, actor=panel.other_officer, content=SIMILAR)
    withdrawn = submitted_item(panel, NOW, actor=panel.other_officer, content=SIMILAR)
    withdraw_item(panel.other_officer, withdrawn, "合并到综合检查")
    mine = draft_item(panel, content=SIMILAR)

    assert find_overlaps(mine.current_version) == []


def test_the_overlap_is_recorded_in_the_submission_event(panel):
    from zerodisturb.audit.models import AuditEvent

    existing = submitted_item(panel, NOW, actor=panel.other_officer, content=SIMILAR)
    mine = submitted_item(panel, NOW, content=SIMILAR)

    event = AuditEvent.objects.get(action="item.submit", object_id=str(mine.pk))
    assert [o["item"] for o in event.payload["overlaps"]] == [existing.number]
