"""seed_demo builds the Cixi-like county once; running it again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zerodisturb.accounts.models import User
from zerodisturb.audit.verify import verify_chain
from zerodisturb.registry.models import Division, Organisation, Person, ReviewDepartment
from zerodisturb.registry.validators import credit_code_error, id_number_error
from zerodisturb.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_county_once(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo@2026" in out and "sfj" in out
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
    counts = (Organisation.objects.count(), Person.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert "已存在" in capsys.readouterr().out
    assert (Organisation.objects.count(), Person.objects.count(), User.objects.count()) == counts
    assert verify_chain().ok
