"""Shared factory-boy factories: a small county with one organisation of each kind."""

from __future__ import annotations

import random

import factory
from django.contrib.auth.hashers import make_password

from zerodisturb.accounts.models import User
from zerodisturb.demo.codes import credit_code, id_number, mobile
from zerodisturb.registry.choices import DivisionLevel, OrganisationKind, PersonKind
from zerodisturb.registry.models import Division, Organisation, Person
from zerodisturb.registry.pii import lookup_hash
from zerodisturb.roles import Role

_rng = random.Random(20261125)
PASSWORD = "Test@2026pw"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"330282{n + 1:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = DivisionLevel.TOWN
    county_code = "330282"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    county_code = "330282"
    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    credit_code = factory.LazyAttribute(lambda o: credit_code(_rng, o.county_code))
    contact_phone = factory.LazyFunction(lambda: mobile(_rng))
    contact_phone_hash = factory.LazyAttribute(lambda o: lookup_hash(o.contact_phone))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    county_code = "330282"
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PROVIDER)
    kind = PersonKind.STAFF
    name = factory.Sequence(lambda n: f"张{n}")
    id_number = factory.LazyAttribute(lambda p: id_number(_rng, p.county_code))
    id_hash = factory.LazyAttribute(lambda p: lookup_hash(p.id_number))
    phone = factory.LazyFunction(lambda: mobile(_rng))
    phone_hash = factory.LazyAttribute(lambda p: lookup_hash(p.phone))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AGENCY_OFFICER
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
