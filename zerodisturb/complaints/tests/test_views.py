"""The pages: list and detail for each role, the enterprise's form (errors next to fields, script
shown as text), the actions of the current actor, and nothing of the complainant for providers."""

import pytest
from django.test import Client
from django.urls import reverse

from zerodisturb.complaints.choices import ComplaintStatus
from zerodisturb.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_lists_render_for_every_role_with_a_page(complaint_world):
    w = complaint_world
    c = w.complain()
    for role in (
        "supervisor",
        "oversight",
        "agency_officer",
        "provider_admin",
        "enterprise",
        "locality",
    ):
        response = client(w.user(role)).get(
            reverse("complaints:list") + "?overdue=on&status=received"
        )
        assert response.status_code == 200, role
    assert c.number in client(w.officer).get(reverse("complaints:list")).content.decode()
    assert client(w.user("reviewer")).get(reverse("complaints:list")).status_code == 403


def test_detail_is_404_outside_ones_scope(complaint_world):
    w = complaint_world
    c = w.complain()
    url = reverse("complaints:detail", args=[c.pk])
    assert client(w.other_officer).get(url).status_code == 404
    assert client(w.user("provider_staff")).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_enterprise_files_from_its_phone(complaint_world):
    w = complaint_world
    ent = client(w.enterprise_user)
    page = ent.get(reverse("complaints:new"))
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    empty = ent.post(reverse("complaints:new"), {"category": "attitude", "text": ""})
    assert empty.status_code == 400 and "请填写投诉内容" in empty.content.decode()
    huge = ent.post(reverse("complaints:new"), {"category": "attitude", "text": "长" * 10_000_000})
    assert huge.status_code == 400
    response = ent.post(
        reverse("complaints:new"),
        {"category": "attitude", "visit": w.visit.pk, "text": "<script>alert(1)</script>"},
        follow=True,
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert Complaint.objects.get().routed_to == w.orgs["agency"]
    assert client(w.officer).get(reverse("complaints:new")).status_code == 403


def test_the_handler_acts_through_the_detail_page(complaint_world):
    w = complaint_world
    c = w.complain()
    officer = client(w.officer)
    detail = officer.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert 'id="form-acknowledge"' in detail and 'id="form-decide"' not in detail
    officer.post(reverse("complaints:act", args=[c.pk, "acknowledge"]))
    detail = officer.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert 'id="form-reply"' in detail and 'id="form-decide"' in detail
    bad = officer.post(reverse("complaints:act", args=[c.pk, "decide"]), {"decide-note": ""})
    assert bad.status_code == 400 and "认定意见" in bad.content.decode()
    officer.post(
        reverse("complaints:act", args=[c.pk, "decide"]),
        {"decide-substantiated": "yes", "decide-note": "查实"},
    )
    c.refresh_from_db()
    assert (c.status, c.substantiated) == (ComplaintStatus.ACKNOWLEDGED, True)
    # The provider has no action left after the decision and cannot decide.
    provider = client(w.provider_admin)
    response = provider.post(
        reverse("complaints:act", args=[c.pk, "decide"]),
        {"decide-substantiated": "no", "decide-note": "不属实"},
    )
    assert response.status_code == 403


def test_provider_page_names_no_complainant(complaint_world):
    w = complaint_world
    c = w.complain()
    body = client(w.provider_admin).get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert w.orgs["enterprise"].name not in body
    assert 'id="form-provider_reply"' in body
    listing = client(w.provider_admin).get(reverse("complaints:list")).content.decode()
    assert w.orgs["enterprise"].name not in listing


def test_enterprise_confirms_and_rates_on_the_page(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    ent = client(w.enterprise_user)
    detail = ent.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert 'id="form-confirm"' in detail and 'id="form-reopen"' in detail
    bad = ent.post(reverse("complaints:act", args=[c.pk, "rate"]), {"rate-rating": "6"})
    assert bad.status_code == 400
    ent.post(reverse("complaints:act", args=[c.pk, "rate"]), {"rate-rating": "3"})
    ent.post(reverse("complaints:act", args=[c.pk, "confirm"]))
    c.refresh_from_db()
    assert (c.status, c.rating) == (ComplaintStatus.CONFIRMED, 3)
