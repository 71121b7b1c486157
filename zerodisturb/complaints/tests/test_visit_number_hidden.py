"""The provider complained about never learns which visit (and so which enterprise) complained."""

from django.test import Client
from django.urls import reverse

from zerodisturb.accounts.services import issue_api_token


def _api(user) -> Client:
    _token, raw = issue_api_token(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _page(user, complaint) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_provider_sees_no_visit_number_the_agency_does(complaint_world):
    complaint = complaint_world.complain()
    number = complaint_world.visit.number
    provider, officer = complaint_world.provider_admin, complaint_world.officer
    assert number not in _page(provider, complaint)
    assert number in _page(officer, complaint)
    url = f"/api/v1/complaints/{complaint.pk}"
    assert _api(provider).get(url).json()["visit_number"] is None
    assert _api(officer).get(url).json()["visit_number"] == number
