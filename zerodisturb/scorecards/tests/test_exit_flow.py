"""A provider crossing the threshold: warning → reply → proposed → exited, with what exit does."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.notifications.models import Notification
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers, confirm_exit, reply_to_warning
from zerodisturb.scorecards.tests.scenario import evaluations, moment
from zerodisturb.testing.commissioning import approved_item, at, recorded_contract
from zerodisturb.testing.visits import planned_visit
from zerodisturb.visits.choices import VisitStatus


@pytest.fixture
def warned(visit_world):
    """20 evaluations in June 2026, 10 satisfied (50%), and the worker's run on 1 July."""
    evaluations(visit_world, {5: 5, 4: 5, 3: 5, 2: 5}, moment(2026, 6, 10))
    assert assess_providers(moment(2026, 7, 1)) == 1
    return ExitCase.objects.get()


def test_warning_opens_with_snapshot_and_notices(warned, visit_world):
    county = visit_world.county
    assert warned.status == ExitStatus.WARNING
    assert warned.provider == county.orgs["provider"]
    assert warned.rectify_until == date(2026, 7, 31)
    assert warned.warning_figures["satisfaction_rate"] == "50.00"
    assert "满意率 50.00%" in warned.grounds
    told = set(
        Notification.objects.filter(title__startswith="考核预警").values_list(
            "recipient__username", flat=True
        )
    )
    assert county.users["provider_admin"].username in told
    assert county.users["supervisor"].username in told
    assert county.users["agency_officer"].username in told


def test_through_reply_and_proposal_to_exit(warned, visit_world):
    county, panel = visit_world.county, visit_world.panel
    visit = planned_visit(visit_world).visit
    reply_to_warning(county.users["provider_admin"], warned, text="已更换项目负责人并培训。")
    assert assess_providers(moment(2026, 7, 31)) == 0  # the period has not run out yet
    assert assess_providers(moment(2026, 8, 1)) == 1
    warned.refresh_from_db()
    assert warned.status == ExitStatus.PROPOSED
    assert warned.proposal_figures["evaluations"] == 20

    confirm_exit(panel.supervisor, warned, reason="整改期满满意率仍为 50%", now=moment(2026, 8, 2))
    warned.refresh_from_db()
    provider = county.orgs["provider"]
    provider.refresh_from_db()
    assert warned.status == ExitStatus.EXITED
    assert provider.excluded_until == date(2028, 8, 2) == warned.excluded_until
    assert not Contract.objects.filter(provider=provider, ended_at__isnull=True).exists()
    credential = Credential.objects.get(pk=visit_world.lead.credential.pk)
    assert credential.status == Credential.Status.REVOKED
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert Notification.objects.filter(
        recipient=panel.officer, title__contains=visit.number
    ).exists()

    page = Client().get(f"/verify/{credential.number}")
    assert "证件已吊销" in page.content.decode()

    item = approved_item(panel, at(2026, 8, 3), at(2026, 8, 10))
    with pytest.raises(ValidationError) as err:
        recorded_contract(panel, item, at(2026, 8, 11), signed_on="2026-08-11")
    assert "不满意退出" in err.value.message_dict["provider"][0]

    public = Client().get("/public/")
    assert provider.name in public.content.decode()
    api = Client().get("/api/v1/public/exited-providers").json()
    assert api["items"][0]["name"] == provider.name

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "exit_case.warn",
        "exit_case.reply",
        "exit_case.propose",
        "exit_case.confirm",
    } <= actions
    assert {"contract.end", "credential.revoke", "organisation.exit", "visit.cancel"} <= actions
    assert verify_chain().ok


def test_confirming_twice_gives_one_result(warned, visit_world):
    assess_providers(moment(2026, 8, 1))
    supervisor = visit_world.panel.supervisor
    confirm_exit(supervisor, warned, reason="确认退出", now=moment(2026, 8, 2))
    with pytest.raises(ValidationError):
        confirm_exit(supervisor, warned, reason="再次确认", now=moment(2026, 8, 3))
    assert AuditEvent.objects.filter(action="exit_case.confirm").count() == 1
    assert assess_providers(moment(2026, 8, 4)) == 0  # excluded: no new warning
