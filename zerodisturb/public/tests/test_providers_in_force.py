"""公示: providers holding credentials in force, with a count and no holder's name."""

from django.test import Client

from zerodisturb.credentials.services import suspend_credential
from zerodisturb.public.selectors import providers_in_force
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401  (a fixture)
from zerodisturb.testing.visits import VISIT_DAY, visit_world_fixture  # noqa: F401


def test_page_and_api_show_the_provider_and_its_count_not_the_holder(visit_world):
    credential = visit_world.lead.credential
    provider = credential.provider
    today = VISIT_DAY.date()
    counted = {org.pk: org.credentials_in_force for org in providers_in_force("330282", today)}
    assert counted[provider.pk] >= 1
    html = Client().get("/public/?county=330282").content.decode()
    assert "持有效证件的第三方机构" in html
    assert credential.person.name not in html
    body = Client().get("/api/v1/public/providers?county=330282").json()
    names = {item["name"]: item for item in body["items"]}
    assert set(names[provider.name]) == {
        "name",
        "county_code",
        "credit_code",
        "credentials_in_force",
    }
    assert credential.person.name not in str(body)


def test_suspended_expired_and_exited_do_not_count(visit_world):
    credential = visit_world.lead.credential
    provider = credential.provider
    today = VISIT_DAY.date()
    before = {o.pk: o.credentials_in_force for o in providers_in_force("330282", today)}
    suspend_credential(visit_world.panel.supervisor, credential, "离职")
    after = {o.pk: o.credentials_in_force for o in providers_in_force("330282", today)}
    assert after.get(provider.pk, 0) == before[provider.pk] - 1
    # Past every credential's validity nothing is in force.
    assert not providers_in_force("330282", credential.valid_to.replace(year=2099)).exists()
    provider.exited_at = VISIT_DAY
    provider.save(update_fields=["exited_at"])
    assert provider not in providers_in_force("330282", today)
    # Another county's list is empty.
    assert not providers_in_force("330281", today).exists()
