"""The pages render with real figures, badges, "—" for empty rates and the right forms."""

import pytest
from django.urls import reverse

from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.scorecards.tests.scenario import evaluations, moment


@pytest.fixture
def proposed(visit_world):
    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    assess_providers(moment(2026, 8, 1))
    return ExitCase.objects.get()


def test_list_with_badges_and_dashes(as_role, proposed, visit_world):
    html = as_role("supervisor").get(reverse("scorecards:list") + "?sort=-bad").content.decode()
    county = visit_world.county
    assert county.orgs["provider"].name in html
    assert county.orgs["other_provider"].name in html
    assert "拟退出" in html
    assert "—" in html  # the other provider has no evaluations: no rate, not 0%
    assert "0%" not in html.replace("100.00%", "").replace("0.00%", "X")


def test_agencies_flagged_in_their_assessment(as_role, proposed, visit_world):
    html = as_role("supervisor").get(reverse("scorecards:list") + "?kind=agency").content.decode()
    assert visit_world.county.orgs["agency"].name in html
    assert "考核预警" in html  # the agency's own evaluations are the provider's: 0% satisfied


def test_detail_has_twelve_months(as_role, proposed, visit_world):
    provider = visit_world.county.orgs["provider"]
    html = as_role("supervisor").get(reverse("scorecards:detail", args=[provider.pk])).content
    html = html.decode()
    assert html.count('data-label="月份"') == 12
    assert proposed.number in html


def test_exit_case_forms_by_role(as_role, proposed):
    url = reverse("scorecards:exit_detail", args=[proposed.pk])
    supervisor = as_role("supervisor").get(url).content.decode()
    assert 'id="confirm-exit"' in supervisor and 'id="reject-exit"' in supervisor
    assert 'id="submit-reply"' not in supervisor
    provider = as_role("provider_admin").get(url).content.decode()
    assert 'id="submit-reply"' in provider and 'id="confirm-exit"' not in provider


def test_empty_reason_shown_next_to_the_field(as_role, proposed):
    url = reverse("scorecards:exit_confirm", args=[proposed.pk])
    response = as_role("supervisor").post(url, {"confirm-reason": ""})
    assert response.status_code == 422
    assert 'id="field-reason"' in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_script_in_reply_shown_as_text(as_role, proposed):
    url = reverse("scorecards:exit_reply", args=[proposed.pk])
    as_role("provider_admin").post(url, {"text": "<script>alert(1)</script>"})
    html = as_role("supervisor").get(reverse("scorecards:exit_detail", args=[proposed.pk]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.content.decode()


def test_exit_list_filters_by_status(as_role, proposed):
    html = as_role("supervisor").get(reverse("scorecards:exit_list") + "?status=proposed")
    assert proposed.number in html.content.decode()
    html = as_role("supervisor").get(reverse("scorecards:exit_list") + "?status=exited")
    assert proposed.number not in html.content.decode()
