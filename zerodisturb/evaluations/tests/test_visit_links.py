"""From its visit's page the enterprise reaches the evaluation form and a complaint about it."""

from django.test import Client
from django.urls import reverse

from zerodisturb.evaluations.tests.conftest import checked_out


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enterprise_rates_or_complains_from_the_visit_page(visit_world):
    visit = checked_out(visit_world)
    client = _client(visit_world.enterprise_user)
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert reverse("evaluations:new", args=[visit.pk]) in page
    assert f"{reverse('complaints:new')}?visit={visit.pk}" in page
    form = client.get(reverse("complaints:new"), {"visit": visit.pk}).content.decode()
    assert f'<option value="{visit.pk}" selected' in form


def test_no_rating_link_before_check_out_nor_for_the_agency(visit_world):
    visit = checked_out(visit_world, check_out_visit=False)
    enterprise = _client(visit_world.enterprise_user)
    page = enterprise.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert reverse("evaluations:new", args=[visit.pk]) not in page
    officer = _client(visit_world.lead.officer)
    page = officer.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "evaluate-visit" not in page and "complain-visit" not in page


def test_another_enterprises_visit_is_not_preselected(visit_world):
    visit = checked_out(visit_world)
    from zerodisturb.evaluations.tests.conftest import enterprise_contact

    stranger = _client(enterprise_contact(visit_world))
    form = stranger.get(reverse("complaints:new"), {"visit": visit.pk}).content.decode()
    assert f'value="{visit.pk}" selected' not in form
