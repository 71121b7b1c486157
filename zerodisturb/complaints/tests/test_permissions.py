"""Roles × actions on one complaint (the enterprise's, about the agency's visit and provider),
including the must-not cells: a provider cannot decide nor see who complained, another agency
cannot handle, another enterprise cannot see, the locality sees no contact."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from zerodisturb.complaints import services
from zerodisturb.complaints.permissions import visible_complaints
from zerodisturb.complaints.selectors import complainant
from zerodisturb.complaints.tests.world import PHONE, RECEIVED
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def actors(complaint_world):
    w = complaint_world
    other_enterprise_user = UserFactory(
        username="other_ent", role="enterprise", organisation=w.orgs["other_enterprise"]
    )
    other_provider_admin = UserFactory(
        username="other_prov", role="provider_admin", organisation=w.orgs["other_provider"]
    )
    foreign = OrganisationFactory(
        county_code="330281", kind=OrganisationKind.GOVERNMENT, is_judicial_bureau=True
    )
    return {
        "supervisor": w.supervisor,
        "oversight": w.user("oversight"),
        "procuratorate": w.procuratorate_user,
        "system_admin": w.user("system_admin"),
        "agency": w.officer,
        "other_agency": w.other_officer,
        "provider": w.provider_admin,
        "other_provider": other_provider_admin,
        "provider_staff": w.user("provider_staff"),
        "enterprise": w.enterprise_user,
        "other_enterprise": other_enterprise_user,
        "locality": w.user("locality"),
        "reviewer": w.user("reviewer"),
        "other_county_supervisor": UserFactory(
            username="sup_330281", role="supervisor", organisation=foreign
        ),
        "anonymous": AnonymousUser(),
    }


SEES = {
    "supervisor",
    "oversight",
    "procuratorate",
    "system_admin",
    "agency",
    "provider",
    "enterprise",
    "locality",
}


def test_who_sees_the_complaint(complaint_world, actors):
    c = complaint_world.complain()
    for name, user in actors.items():
        assert visible_complaints(user).filter(pk=c.pk).exists() == (name in SEES), name


def test_who_sees_the_complainant(complaint_world, actors):
    c = complaint_world.complain()
    enterprise = complaint_world.orgs["enterprise"].name
    for name in SEES:
        view = complainant(c, actors[name])
        assert (view.enterprise == enterprise) == (name != "provider"), name


def test_who_sees_the_public_phone_in_full(complaint_world, actors):
    w = complaint_world
    c = services.reroute_complaint(w.supervisor, w.public(), agency=w.orgs["agency"], reason="分办")
    full = {"supervisor", "agency"}
    for name in ("supervisor", "oversight", "procuratorate", "system_admin", "agency", "provider"):
        phone = complainant(c, actors[name]).phone
        if name in full:
            assert phone == PHONE, name
        elif name == "provider":
            assert phone == "", name
        else:
            assert phone == "138****5678", name


ALLOWED = {
    "acknowledge": {"agency"},
    "provider_reply": {"provider"},
    "decide": {"agency"},
    "reroute": {"supervisor"},
    "confirm": {"enterprise"},
}


def attempt(action, user, complaint, w):
    if action == "acknowledge":
        return services.acknowledge_complaint(user, complaint, now=RECEIVED + H)
    if action == "provider_reply":
        return services.answer_as_provider(user, complaint, text="陈述", now=RECEIVED + H)
    if action == "decide":
        services.acknowledge_complaint(w.officer, complaint, now=RECEIVED + H)
        return services.decide_complaint(
            user, complaint, substantiated=True, note="查实", now=RECEIVED + 2 * H
        )
    if action == "reroute":
        return services.reroute_complaint(
            user, complaint, agency=w.orgs["other_agency"], reason="改由生态环境分局办理"
        )
    return services.confirm_closure(user, w.handled(complaint), now=RECEIVED + 5 * H)


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_who_may_act(complaint_world, actors, action):
    w = complaint_world
    for name, user in actors.items():
        complaint = w.complain()
        if name in ALLOWED[action]:
            attempt(action, user, complaint, w)
        else:
            with pytest.raises((PermissionDenied, ValidationError)) as refused:
                attempt(action, user, complaint, w)
            assert refused.type is PermissionDenied, (action, name)
