"""The judicial bureau's settings page: validation next to the field, audit of old → new."""

from django.urls import reverse

from zerodisturb.audit.models import AuditEvent
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards.thresholds import THRESHOLD_FIELDS, current_values


def _form(**changes) -> dict:
    data = {k: str(v) for k, v in current_values(CountyPolicy(county_code="330282")).items()}
    return data | {k: str(v) for k, v in changes.items()}


def test_saved_and_audited(as_role, county):
    client = as_role("supervisor")
    response = client.post(reverse("scorecards:thresholds"), _form(exit_satisfaction_min="90"))
    assert response.status_code == 302
    policy = CountyPolicy.objects.get(county_code=county.code)
    assert policy.exit_satisfaction_min == 90
    event = AuditEvent.objects.get(action="county_policy.thresholds")
    assert event.payload["changed"] == {"exit_satisfaction_min": ["85.00", "90.00"]}


def test_bad_values_refused_next_to_the_field(as_role, county):
    client = as_role("supervisor")
    cases = {
        "exit_satisfaction_min": "abc",
        "exit_min_evaluations": "0",
        "exit_exclusion_years": "2.5",
        "complaint_close_days": "",
    }
    for name, value in cases.items():
        response = client.post(reverse("scorecards:thresholds"), _form(**{name: value}))
        assert response.status_code == 422
        html = response.content.decode()
        assert f'id="field-{name}"' in html and "has-error" in html
    response = client.post(
        reverse("scorecards:thresholds"), _form(complaint_reply_days=20, complaint_close_days=15)
    )
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action="county_policy.thresholds").exists()
    assert set(THRESHOLD_FIELDS) <= set(_form())
