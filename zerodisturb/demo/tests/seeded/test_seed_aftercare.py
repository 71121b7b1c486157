"""seed_demo's 事后 year: satisfaction 76.4 % before the reform and 90.9 % after (by the scorecards'
own figures), the bad-review loop, a year of complaints, one provider warned and one exited."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.complaints.models import Complaint
from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.demo.aftercare.summary import yearly_satisfaction
from zerodisturb.demo.clock import story_now, story_today
from zerodisturb.evaluations.choices import BAD_LEVELS
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.public.selectors import exited_providers
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards.figures import figures_for, rolling_12_months
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.visits.models import Visit, VisitStaff

pytestmark = pytest.mark.django_db
COUNTY = "330282"


def test_satisfaction_is_76_4_before_and_90_9_after(seeded_demo):
    before, after = yearly_satisfaction(COUNTY, 2025), yearly_satisfaction(COUNTY, 2026)
    assert (before.satisfied, before.evaluations) == (191, 250)
    assert before.satisfaction_rate == Decimal("76.40")
    assert after.satisfaction_rate.quantize(Decimal("0.1")) == Decimal("90.9")
    assert after.evaluations >= 300
    assert "满意率 76.4%" in seeded_demo and "满意率 90.9%" in seeded_demo


def test_evaluations_are_spread_and_consistent(seeded_demo):
    evaluations = Evaluation.objects.filter(county_code=COUNTY)
    for year, months in ((2025, 9), (2026, 7)):
        of_year = evaluations.filter(submitted_at__year=year)
        assert of_year.dates("submitted_at", "month").count() >= months
        assert of_year.values("enterprise__locality").distinct().count() >= 15
        assert of_year.values("visit__parties__contract__provider").distinct().count() == 6
        assert of_year.values("visit__parties__agency").distinct().count() == 6
    # One evaluation per visit, by a contact of the visited enterprise, after it left.
    assert not evaluations.exclude(author__organisation=F("enterprise")).exists()
    assert not evaluations.exclude(enterprise=F("visit__enterprise")).exists()
    assert not evaluations.filter(submitted_at__lt=F("visit__checked_out_at")).exists()
    assert evaluations.filter(level__in=BAD_LEVELS).exclude(text="").count() == (
        evaluations.filter(level__in=BAD_LEVELS).count()
    )
    assert not evaluations.filter(level=5, attitude__lte=2).exists()
    assert evaluations.filter(level=1, code_shown=False, submitted_at__year=2026).exists()
    assert set(evaluations.values_list("level", flat=True)) == {1, 2, 3, 4, 5}


def test_the_year_before_is_history_without_the_gate(seeded_demo):
    old = Visit.objects.filter(county_code=COUNTY, window_start__year=2025)
    assert old.count() >= 250
    assert not old.exclude(status="completed").exists()
    assert not old.filter(valid_scan_at__isnull=False).exists()
    assert not old.filter(checked_out_at__isnull=True).exists()
    assert not VisitStaff.objects.filter(visit__in=old).exists()  # no credentials before 2026
    # Every imported visit is in the contract term of its party.
    assert not old.filter(
        parties__contract__accepted_version__term_start__gt=F("window_start__date")
    ).exists()
    events = AuditEvent.objects.filter(action="demo.historic_visit", object_type="visits.visit")
    assert events.count() == old.count()


def test_every_evaluation_and_ticket_is_in_the_audit_chain(seeded_demo):
    evaluations = Evaluation.objects.filter(county_code=COUNTY)
    submitted = AuditEvent.objects.filter(action="evaluation.submit").values("object_id")
    assert submitted.distinct().count() == evaluations.count()
    opened = AuditEvent.objects.filter(action="rectification.open").count()
    assert opened == Rectification.objects.count()
    report = verify_chain()
    assert report.ok, report


def test_bad_reviews_walk_through_the_loop(seeded_demo):
    tickets = Rectification.objects.filter(county_code=COUNTY)
    bad_2026 = Evaluation.objects.filter(level__in=BAD_LEVELS, submitted_at__year=2026)
    assert set(tickets.values_list("evaluation", flat=True)) == set(
        bad_2026.values_list("pk", flat=True)
    )
    states = Counter(tickets.values_list("status", flat=True))
    assert states["accepted"] > len(tickets) / 2
    assert states["escalated"] >= 1 and states["closed"] >= 1
    today = story_today()
    open_ = tickets.filter(status="open")
    assert open_.filter(due_on__gte=today).exists()  # still within its 15 working days
    assert open_.filter(due_on__lt=today, overdue_notified_at__isnull=False).exists()
    done = tickets.filter(completed_at__isnull=False)
    late = done.filter(completed_at__date__gt=F("due_on")).count()
    assert late < done.count() / 4


def test_a_year_of_complaints(seeded_demo):
    complaints = Complaint.objects.filter(county_code=COUNTY)
    assert 35 <= complaints.count() <= 45
    assert {"enterprise", "public"} == set(complaints.values_list("channel", flat=True))
    assert complaints.filter(visit__isnull=False).exists()
    assert complaints.filter(provider_replied_at__isnull=False).exists()
    assert complaints.filter(entries__kind="routed").exists()  # the bureau re-routed some
    assert complaints.filter(substantiated=True).count() >= 4
    assert complaints.filter(substantiated=False).exists()
    assert complaints.filter(reopen_count__gt=0).exists()
    assert complaints.filter(rating__isnull=False).exists()
    assert complaints.filter(status__in=["received", "acknowledged", "replied"]).exists()
    closed = complaints.filter(closed_at__isnull=False)
    on_time = closed.filter(closed_at__date__lte=F("close_due_on")).count()
    assert 0.8 <= on_time / closed.count() < 1
    # A few ran late and the worker escalated them, each clock once.
    for clock in ("ack_overdue_at", "reply_overdue_at", "close_overdue_at"):
        assert complaints.filter(**{f"{clock}__isnull": False}).exists(), clock
    # Complaints alone never reach the exit threshold.
    per_provider = (
        complaints.filter(substantiated=True, provider__isnull=False)
        .values("provider")
        .annotate(n=Count("pk"))
    )
    limit = CountyPolicy.for_county(COUNTY).exit_substantiated_complaints
    assert all(row["n"] < limit for row in per_provider)


def test_one_provider_warned_one_exited(seeded_demo):
    cases = ExitCase.objects.filter(county_code=COUNTY)
    warned = cases.get(status="warning")
    exited = cases.get(status="exited")
    assert cases.count() == 2
    # Neither is the provider of the live 亮码 demo; the exited one is not anke's either.
    logins = User.objects.filter(username__in=["staff_gate", "anke", "staff1"])
    assert exited.provider_id not in {u.organisation_id for u in logins}
    gate = User.objects.get(username="staff_gate").organisation_id
    assert warned.provider_id != gate
    # The warning: below 85 % over 12 months with at least 20 evaluations, and a reply.
    policy = CountyPolicy.for_county(COUNTY)
    figures = figures_for(warned.provider, rolling_12_months(timezone.localdate(warned.warned_at)))
    assert figures.evaluations >= policy.exit_min_evaluations
    assert figures.satisfaction_rate < policy.exit_satisfaction_min
    assert warned.provider_reply and warned.rectify_until >= story_today()
    # The exit: warned, replied, proposed after its period, confirmed by sfj with a reason.
    assert exited.replied_at < exited.proposed_at < exited.decided_at
    assert timezone.localdate(exited.proposed_at) > exited.rectify_until
    assert exited.decided_by.username == "sfj" and exited.decision_reason
    provider = exited.provider
    assert provider.exited_at and provider.excluded_until > story_today()
    assert not Contract.objects.filter(provider=provider, ended_at__isnull=True).exists()
    assert Credential.objects.filter(provider=provider).exists()
    assert not Credential.objects.filter(provider=provider).exclude(status="revoked").exists()
    assert provider in exited_providers(COUNTY)
    assert not Visit.objects.filter(parties__contract__provider=provider, status="planned").exists()
    # The figures hold: the worker, run at the story's now, finds no one else below the thresholds.
    assert assess_providers(now=story_now()) == 0
    assert cases.count() == 2


def test_seeding_again_adds_nothing(seeded_demo, capsys):
    models = (Evaluation, Rectification, Complaint, ExitCase, Visit, User, AuditEvent)
    before = [m.objects.count() for m in models]
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert [m.objects.count() for m in models] == before
    assert "满意率 76.4%" in out and "不满意退出" in out and "考核预警" in out
