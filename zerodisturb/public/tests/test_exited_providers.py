"""公示: the exited providers, with dates and grounds, no personal data, paginated."""

from datetime import date

from django.test import Client

from zerodisturb.scorecards.models import ExitCase
from zerodisturb.testing.commissioning import at


def _exit(org, case_number: str, grounds: str, exited, until):
    org.exited_at, org.excluded_until = exited, until
    org.save(update_fields=["exited_at", "excluded_until"])
    ExitCase.objects.create(
        county_code=org.county_code,
        number=case_number,
        provider=org,
        status="exited",
        grounds=grounds,
        warned_at=at(2026, 5, 1),
        rectify_until=date(2026, 5, 31),
        decision_reason="负责人张三多次被投诉",  # not public: may name people
        exited_at=exited,
        excluded_until=until,
    )


def test_page_and_api_list_exited_providers(county):
    provider = county.orgs["provider"]
    _exit(
        provider, "TC-330282-2026-0001", "近 12 个月满意率 70.00%", at(2026, 6, 2), date(2028, 6, 2)
    )
    html = Client().get("/public/").content.decode()
    assert provider.name in html and "2028-06-02" in html and "满意率 70.00%" in html
    assert "张三" not in html
    body = Client().get("/api/v1/public/exited-providers?county=330282").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == provider.name
    assert item["exited_on"] == "2026-06-02" and item["excluded_until"] == "2028-06-02"
    assert item["reason"] == "近 12 个月满意率 70.00%"
    assert "张三" not in str(body)
    assert county.orgs["other_provider"].name not in html


def test_paginated(county):
    from zerodisturb.registry.choices import OrganisationKind
    from zerodisturb.testing.factories import OrganisationFactory

    for n in range(21):
        org = OrganisationFactory(county_code=county.code, kind=OrganisationKind.PROVIDER)
        _exit(org, f"TC-330282-2026-{n:04d}", "查实投诉 3 件", at(2026, 6, 2), date(2028, 6, 2))
    first = Client().get("/public/").content.decode()
    assert "exited_page=2" in first
    body = Client().get("/api/v1/public/exited-providers?page_size=20&page=2").json()
    assert body["count"] == 21 and len(body["items"]) == 1
