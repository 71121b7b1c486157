"""seed_demo builds the Cixi-like county, its year of 事前强准入 and of 事中 visits once; running it
again adds nothing."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.commissioning.deadlines import overdue_reviews
from zerodisturb.commissioning.models import CommissionedItem, ItemVersion, Review
from zerodisturb.contracts.deadlines import overdue_filings
from zerodisturb.contracts.figures import commissioning_figures
from zerodisturb.contracts.models import Contract, ContractVersion
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.tokens import sign
from zerodisturb.demo.clock import story_now, story_today
from zerodisturb.demo.renewal import seed_renewal
from zerodisturb.demo.visits import SEASON_START
from zerodisturb.registry.models import Division, Organisation, Person, ReviewDepartment
from zerodisturb.registry.validators import credit_code_error, id_number_error
from zerodisturb.roles import Role
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.models import ScanLog, Visit, VisitFinding, VisitParty, VisitPlan
from zerodisturb.visits.scanning import scan

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_county_and_its_year_of_review_once(seeded_demo, capsys):
    # One seed for the package (conftest.py): seeding takes a while, so the checks share it.
    out = seeded_demo
    assert "Demo@2026" in out and "sfj" in out
    _check_registry()
    _check_commissioning(out)
    _check_visits(out)
    counts = _counts()
    call_command("seed_demo")
    assert "已存在" in capsys.readouterr().out
    assert _counts() == counts
    report = verify_chain()
    assert report.ok, report


def _check_registry() -> None:
    orgs = Organisation.objects.filter(county_code="330282")
    assert orgs.filter(kind="enterprise").count() == 1766
    assert orgs.filter(is_agency=True).count() == 26
    assert Division.objects.filter(county_code="330282").exclude(level="county").count() == 20
    assert ReviewDepartment.objects.filter(county_code="330282").count() == 5
    assert ReviewDepartment.objects.get(is_lead=True).organisation.is_judicial_bureau
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for code in orgs.exclude(credit_code="").values_list("credit_code", flat=True):
        assert credit_code_error(code) is None, code
    for person in Person.objects.all()[:50]:
        assert id_number_error(person.id_number) is None
    enterprises = orgs.filter(kind="enterprise")
    assert enterprises.values("locality").distinct().count() == 20
    assert enterprises.values("sector").distinct().count() >= 10


def _counts() -> tuple[int, ...]:
    models = (
        Organisation,
        Person,
        User,
        CommissionedItem,
        ItemVersion,
        Review,
        Contract,
        Credential,
        VisitPlan,
        Visit,
        VisitParty,
        VisitFinding,
        ScanLog,
    )
    return (
        *(m.objects.count() for m in models),
        ContractVersion.objects.count(),
        AuditEvent.objects.count(),
    )


def _figures(year: int) -> dict:
    return {f.key: f for f in commissioning_figures("330282", year)}


def _check_commissioning(out: str) -> None:
    """A year of 事前强准入 with the article's figures (see zerodisturb/demo/commissioning.py)."""
    assert "先报批率" in out and "同比 -18.5%" in out
    before, after = _figures(2025), _figures(2026)
    # 22 contracts filed and accepted (“22个委托合同均已备案”), one unfiled and one returned.
    # The story's contracts: a demo seeded after 2026 also renewed one for today (renewal.py).
    contracts = Contract.objects.filter(
        county_code="330282", item__current_version__period_start__year__lte=2026
    )
    assert contracts.filter(accepted_version__isnull=False).count() == 22
    assert contracts.filter(current_version__filing_status="recorded").count() == 1
    assert contracts.filter(current_version__filing_status="returned").count() == 1
    # Items: 27 in the year before, 22 after (−18.5 %). Seeded in January, the demo renewed one
    # contract for the real year with an item submitted in the story's December (renewal.py).
    renewed = CommissionedItem.objects.filter(
        county_code="330282",
        first_submitted_at__year=2026,
        current_version__title__endswith="年度续签）",
    ).count()
    seeded = timezone.localdate()
    assert renewed == (1 if (seeded.year, seeded.month) == (2027, 1) else 0)
    assert before["items"].value == 27 and after["items"].value == 22 + renewed
    assert after["items"].extra["change"] == pytest.approx((22 + renewed) / 27 - 1)
    # Pre-approval: contracts signed before approval in 2025, all after approval in 2026.
    assert before["pre_approval_rate"].value == 0.0
    assert before["pre_approval_rate"].denominator == 12
    assert after["pre_approval_rate"].value == 1.0
    assert after["pre_approval_rate"].denominator == 12 + renewed
    assert 0 < before["filing_on_time_rate"].value < 0.6  # several filed late before the reform
    assert 0.03 <= after["budget_saved"].value <= 0.08
    if not renewed:  # the article's 4.92 % (the renewal, approved in full, lowers it a little)
        assert after["budget_saved"].value == pytest.approx(0.0492, abs=0.0005)
    # The review's outcomes, each reached through the services.
    items = CommissionedItem.objects.filter(county_code="330282")
    assert items.filter(status="rejected").exists()
    assert items.filter(status="approved_reduced").exists()
    assert items.filter(status="withdrawn").exists()
    assert items.filter(merge_with__isnull=False).count() == 2
    assert items.filter(current_version__version=2, status="approved").count() == 1
    refused = items.get(status="draft", first_submitted_at__isnull=True)
    assert AuditEvent.objects.filter(
        action="item.refused_negative_list", object_id=str(refused.pk)
    ).exists()
    assert items.filter(status__in=["submitted", "under_review"]).count() == 3
    for item in items.exclude(status="draft"):
        assert AuditEvent.objects.filter(action="item.submit", object_id=str(item.pk)).exists()
    assert Review.objects.filter(decision="approve_cut").exclude(opinion="").exists()
    # The deadlines workers have something to flag: an overdue review and an overdue filing.
    now = story_now()
    assert overdue_reviews(now).exists()
    late = ContractVersion.objects.filter(
        filing_status__in=["recorded", "returned"],
        filing_due_on__lt=timezone.localdate(now),
        overdue_notified_at__isnull=True,
    )
    # The unfiled contract at least; seeded later in December the returned one is past due too.
    assert late.exists() and late.count() <= 2
    # The filing worker chases it unless its contract has ended since (the 事后 demo's exit).
    assert overdue_filings(now).count() == late.filter(contract__ended_at__isnull=True).count()
    # Staff on each contract are the provider's own.
    for version in ContractVersion.objects.all():
        assert {p.organisation_id for p in version.staff.all()} == {version.contract.provider_id}


def _check_visits(out: str) -> None:
    """Credentials and a year of visits (see zerodisturb/demo/visits.py)."""
    refused = re.search(r"超上限被拒 (\d+) 次", out)
    assert refused and int(refused.group(1)) > 0
    # The provider taken out by the 事后 demo had all its credentials revoked at its exit.
    credentials = Credential.objects.filter(county_code="330282", provider__exited_at__isnull=True)
    assert 20 <= credentials.count() <= 30
    assert credentials.filter(status="suspended").count() == 1
    assert credentials.filter(status="revoked").count() == 1
    # One credential per person, within its contracts' terms, for staff listed on them.
    assert credentials.values("person").distinct().count() == credentials.count()
    assert any(c.contracts.count() > 1 for c in credentials)
    for credential in credentials.prefetch_related("contracts__accepted_version__staff"):
        for contract in credential.contracts.all():
            version = contract.accepted_version
            assert credential.person in version.staff.all()
            assert version.term_start <= credential.valid_from <= credential.valid_to
            assert credential.valid_to <= version.term_end
    # The platform's season; the year before is imported history (demo/aftercare/history.py).
    visits = Visit.objects.filter(county_code="330282", window_start__date__gte=SEASON_START)
    assert 600 <= visits.count() <= 900
    assert visits.values("enterprise").distinct().count() >= 400
    assert visits.values("enterprise__locality").distinct().count() == 20
    kinds = {k: visits.filter(kind=k).count() for k in VisitKind.values}
    assert kinds["planned"] > 0.7 * visits.count()
    assert kinds["complaint"] and kinds["rectification"] and kinds["enterprise_request"]
    assert 1 <= kinds["emergency"] <= 3
    today = story_today()
    emergencies = visits.filter(kind="emergency")
    assert emergencies.filter(status="closed").exists()
    assert emergencies.filter(completion_due_on__lt=today).exclude(status="closed").exists()
    joint = visits.filter(parties__is_lead=False).distinct().count()
    assert 0.08 * visits.count() <= joint <= 0.25 * visits.count()
    assert visits.filter(status="closed").count() > 0.8 * visits.count()
    assert visits.filter(findings__kind="risk_alert").exists()
    assert visits.filter(findings__kind="technical_advice").exists()
    assert visits.filter(status="cancelled").exists()
    # Today and the coming days, some still to be scanned.
    assert visits.filter(window_start__date=today).exists()
    assert visits.filter(window_start__date__gt=today, status="planned").count() >= 5
    # About 5 % of past visits never had a valid code shown.
    past = visits.filter(window_end__lt=story_now()).exclude(status="cancelled")
    shown = past.filter(valid_scan_at__isnull=False).count() / past.count()
    assert 0.9 <= shown <= 0.98
    assert ScanLog.objects.filter(valid=False).exists()
    # Each checked-in visit had a valid scan first; none exceeds the yearly cap.
    assert not visits.filter(checked_in_at__isnull=False, valid_scan_at__isnull=True).exists()
    assert not visits.filter(checked_in_at__lt=F("valid_scan_at")).exists()
    over = (
        VisitParty.objects.filter(counts_for_cap=True, visit__in=visits)
        .exclude(visit__status="cancelled")
        .values("agency", "visit__enterprise", "year")
        .annotate(n=Count("pk"))
        .filter(n__gt=2)
    )
    assert not over.exists()
    assert User.objects.filter(role="enterprise").count() >= 30
    assert User.objects.filter(role="agency_officer", person__isnull=False).count() >= 6


def _scans(visit, credential, at) -> None:
    """xingke's scan at `at` of the code shown for `visit` by `credential`'s holder is accepted."""
    xingke = User.objects.get(username="xingke")
    result = scan(sign(visit.pk, credential.pk, now=at), now=at, actor=xingke)
    assert result.valid, result.message


def test_a_visit_today_can_be_scanned_at_the_gate(seeded_demo):
    """Whenever the demo is seeded, staff_gate has a visit to 兴科化纤 today to scan: within 2026
    the story's own, later the renewed contract's (renewal.py)."""
    now = timezone.now()
    person = User.objects.get(username="staff_gate").person
    visit = Visit.objects.get(
        enterprise__name="慈溪市兴科化纤有限公司",
        status="planned",
        window_start__date=timezone.localdate(now),
        staff__credential__person=person,
    )
    _scans(visit, Credential.objects.get(person=person, status="active"), now)
    renewed = Contract.objects.filter(item__current_version__period_start__year__gt=2026)
    assert renewed.exists() == (timezone.localdate(now) > story_today())


def test_seeded_long_after_the_story_a_renewal_brings_the_gate_to_that_day(seeded_demo):
    """The renewal on a day well after the story and any renewal already made (as when the demo
    is seeded years later): its item passes the review, its contract is in force that day."""
    later = timezone.now() + timedelta(days=400)
    visit = seed_renewal(random.Random(1), lambda line: None, after=timezone.now(), now=later)
    assert timezone.localdate(visit.window_start) == timezone.localdate(later)
    _scans(visit, visit.staff.get().credential, later)
    item = visit.parties.get().contract.item
    assert item.status == "approved" and item.reviews.filter(decision="approve").count() == 5
    assert story_today() < timezone.localdate(item.first_submitted_at) < timezone.localdate(later)
