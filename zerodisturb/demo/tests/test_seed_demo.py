"""seed_demo builds the Cixi-like county and its year of 事前强准入 once; running it again adds
nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.commissioning.deadlines import overdue_reviews
from zerodisturb.commissioning.models import CommissionedItem, ItemVersion, Review
from zerodisturb.contracts.deadlines import overdue_filings
from zerodisturb.contracts.figures import commissioning_figures
from zerodisturb.contracts.models import Contract, ContractVersion
from zerodisturb.registry.models import Division, Organisation, Person, ReviewDepartment
from zerodisturb.registry.validators import credit_code_error, id_number_error
from zerodisturb.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_county_and_its_year_of_review_once(capsys):
    # One test, one seed: seeding takes several seconds, so the checks share it.
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo@2026" in out and "sfj" in out
    _check_registry()
    _check_commissioning(out)
    counts = _counts()
    call_command("seed_demo")
    assert "已存在" in capsys.readouterr().out
    assert _counts() == counts
    assert verify_chain().ok


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
    models = (Organisation, Person, User, CommissionedItem, ItemVersion, Review, Contract)
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
    contracts = Contract.objects.filter(county_code="330282")
    assert contracts.filter(accepted_version__isnull=False).count() == 22
    assert contracts.filter(current_version__filing_status="recorded").count() == 1
    assert contracts.filter(current_version__filing_status="returned").count() == 1
    # Items: 27 in the year before, 22 after (−18.5 %).
    assert before["items"].value == 27 and after["items"].value == 22
    assert after["items"].extra["change"] == pytest.approx(22 / 27 - 1)
    # Pre-approval: contracts signed before approval in 2025, all after approval in 2026.
    assert before["pre_approval_rate"].value == 0.0
    assert before["pre_approval_rate"].denominator == 12
    assert after["pre_approval_rate"].value == 1.0
    assert after["pre_approval_rate"].denominator == 12
    assert 0 < before["filing_on_time_rate"].value < 0.6  # several filed late before the reform
    assert 0.03 <= after["budget_saved"].value <= 0.08
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
    now = timezone.now()
    assert overdue_reviews(now).exists()
    assert overdue_filings(now).count() == 1
    # Staff on each contract are the provider's own.
    for version in ContractVersion.objects.all():
        assert {p.organisation_id for p in version.staff.all()} == {version.contract.provider_id}
