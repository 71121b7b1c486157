"""Results on a known scenario: response rate by locality, counts and percentages, the
satisfaction rate ("—" with no answers), the comparison with a previous survey, the export."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zerodisturb.conftest import login_client
from zerodisturb.surveys.results import compare, question_results, response_rate
from zerodisturb.surveys.services import add_question, create_survey, send_survey, submit_answer

from .conftest import STANDARD, build_survey

pytestmark = pytest.mark.django_db

D = Decimal


def answer(survey, world, key, satisfaction, single, multiple, text=""):
    q1, q2, q3, q4 = survey.questions.order_by("position")
    invitation = survey.invitations.get(enterprise=world.enterprises[key])
    values = {q1.pk: satisfaction, q2.pk: single, q3.pk: list(multiple), q4.pk: text}
    submit_answer(world.users[key], invitation, values)


@pytest.fixture
def answered(world):
    """Four enterprises invited (two per town); three answer: 非常满意, 满意, 基本满意."""
    survey = send_survey(world.bureau, build_survey(world))
    answer(survey, world, "xingke", 0, 0, [0, 1], "希望继续综合查一次")
    answer(survey, world, "town_fibre", 1, 0, [1])
    answer(survey, world, "hongda", 2, 1, [])
    return survey


def test_response_rate_by_locality(answered, world):
    rate = response_rate(answered)
    assert (rate.invited, rate.answered, rate.rate) == (4, 3, D("75.0"))
    by_name = {r.name: (r.invited, r.answered, r.rate) for r in rate.by_locality}
    assert by_name == {
        world.county.town.name: (2, 2, D("100.0")),
        world.county.other_town.name: (2, 1, D("50.0")),
    }


def test_results_per_question(answered):
    satisfaction, single, multiple, text = question_results(answered)
    assert satisfaction.answers == 3
    assert [(o.label, o.count, o.share) for o in satisfaction.options] == [
        ("非常满意", 1, D("33.3")),
        ("满意", 1, D("33.3")),
        ("基本满意", 1, D("33.3")),
        ("不满意", 0, D("0.0")),
        ("非常不满意", 0, D("0.0")),
    ]
    assert satisfaction.satisfaction_rate == D("66.7")
    assert [(o.count, o.share) for o in single.options] == [
        (2, D("66.7")),
        (1, D("33.3")),
        (0, D("0.0")),
    ]
    # Multiple choice: shares of the enterprises that answered the question (two), not of ticks.
    assert multiple.answers == 2
    assert [(o.count, o.share) for o in multiple.options] == [
        (1, D("50.0")),
        (2, D("100.0")),
        (0, D("0.0")),
    ]
    assert text.texts == ["希望继续综合查一次"] and single.satisfaction_rate is None


def test_no_answers_show_a_dash(world):
    survey = send_survey(world.bureau, build_survey(world))
    satisfaction = question_results(survey)[0]
    assert satisfaction.satisfaction_rate is None
    assert all(o.share is None for o in satisfaction.options)
    page = login_client(world.bureau).get(f"/surveys/{survey.pk}/")
    assert page.status_code == 200
    assert '<b class="satisfaction">—</b>' in page.text
    assert '<b id="rate-total">0.0%</b>' in page.text


def test_comparison_with_the_previous_survey(answered, world):
    # Last year's survey: one enterprise of two satisfied (50%), and a question moved to the end.
    last = create_survey(world.bureau, title="2025年调研")
    add_question(world.bureau, last, **STANDARD[1])
    add_question(world.bureau, last, **STANDARD[0])
    send_survey(world.bureau, last, localities=[world.county.town])
    for key, level in (("xingke", 1), ("town_fibre", 3)):
        q_single, q_sat = last.questions.order_by("position")
        invitation = last.invitations.get(enterprise=world.enterprises[key])
        submit_answer(world.users[key], invitation, {q_single.pk: 1, q_sat.pk: level})

    # By position the kinds differ (satisfaction vs single): no match without a link.
    by_position = compare(answered, last)
    assert by_position[0].previous is None and by_position[0].rows == []

    # An explicit link matches this year's question 1 with last year's question 2.
    now = create_survey(world.bureau, title="2026年调研（对比）", previous=last)
    add_question(world.bureau, now, **STANDARD[0], compare_with=last.questions.get(position=2))
    send_survey(world.bureau, now, localities=[world.county.town])
    for key, level in (("xingke", 0), ("town_fibre", 1)):
        invitation = now.invitations.get(enterprise=world.enterprises[key])
        submit_answer(world.users[key], invitation, {now.questions.get().pk: level})
    (comparison,) = compare(now)
    assert comparison.rows[0] == ("满意率", D("100.0"), D("50.0"), D("50.0"))
    page = login_client(world.bureau).get(f"/surveys/{now.pk}/")
    assert "+50.0" in page.text
    # Another previous survey chosen from the list on the page.
    chosen = login_client(world.bureau).get(f"/surveys/{answered.pk}/", {"previous": last.pk})
    assert 'id="comparison"' in chosen.text


def test_export_opens_with_chinese_headers_and_numbers(answered, world):
    response = login_client(world.bureau).get(f"/surveys/{answered.pk}/results.xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    results = wb["结果"]
    rows = list(results.iter_rows(values_only=True))
    assert rows[0] == ("题号", "题目", "题型", "选项", "人数", "占比（%）", "作答数")
    assert rows[1] == (1, STANDARD[0]["text"], "满意度（五级）", "非常满意", 1, 33.3, 3)
    rate_row = next(r for r in rows if r[3] == "满意率（非常满意+满意）")
    assert rate_row[5] == 66.7 and isinstance(rate_row[5], float)
    localities = list(wb["回收情况"].iter_rows(values_only=True))
    assert localities[0] == ("属地", "邀请企业数", "已答卷数", "回收率（%）")
    assert localities[-1] == ("合计", 4, 3, 75.0)
