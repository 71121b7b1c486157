"""Permission matrix: every role (and anonymous) against every HTML view and API operation.

Each cell of the tables below is its own test. The expected values come from the business rules
(zerodisturb/roles.py, registry/permissions.py, audit/permissions.py and the brief):

* government roles (agency officer, reviewer, supervisor, oversight) see their own county;
* a locality sees the organisations in its locality (and itself);
* providers see themselves and their staff; enterprises see themselves;
* only supervisors (judicial bureau) and system admins import and register enterprises;
* supervisors, oversight and system admins read and verify the audit trail;
* system admins see everything;
* full ID/phone numbers only for supervisors (own county), system admins and a provider admin for
  its own staff; everyone else sees them masked (330282********1234);
* forbidden is 403 or 404, never 500; anonymous HTML redirects to the login page; anonymous API
  calls get 401 with {"error": {"code", "message", "fields"}}.

Where the code breaks a rule, the cell keeps the rule's value and is listed in XFAIL with the
reason, so the suite stays green while the bug stays visible.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.accounts.services import issue_api_token
from zerodisturb.audit.services import record_event
from zerodisturb.conftest import County, build_county, login_client
from zerodisturb.demo.codes import credit_code
from zerodisturb.registry.models import ImportJob, Organisation
from zerodisturb.registry.template import build_template
from zerodisturb.roles import Role
from zerodisturb.testing.assertions import assert_error_body

HERE, THERE = "330282", "330281"
ANON = "anonymous"
ROLES = (
    "agency_officer",
    "reviewer",
    "supervisor",
    "oversight",
    "provider_admin",
    "provider_staff",
    "enterprise",
    "locality",
    "system_admin",
    ANON,
)
assert set(ROLES) == {r.value for r in Role} | {ANON}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MASKED_ID = re.compile(r"^\d{6}\*{8}[0-9X]{4}$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")
R = 302  # anonymous HTML: redirect to the login page


# --------------------------------------------------------------------------------------------
# The world the matrix runs in: county 330282 (the users' county) and county 330281 next door.
# --------------------------------------------------------------------------------------------


@dataclass
class World:
    here: County
    there: County
    job: ImportJob  # uploaded by the 330282 supervisor
    foreign_job: ImportJob  # uploaded by the 330281 supervisor


def _job(user) -> ImportJob:
    return ImportJob.objects.create(
        county_code=user.county_code,
        created_by=user,
        filename="registry.xlsx",
        sha256="0" * 64,
        content=b"",
        status=ImportJob.Status.REJECTED,
        error_workbook=b"PK\x03\x04 errors",
    )


@pytest.fixture
def world(county) -> World:
    there = build_county(THERE, "余姚市")
    with transaction.atomic():
        for c in (county, there):
            record_event(c.users["supervisor"], "test.touch", c.orgs["enterprise"], {"n": 1})
            record_event(c.users["system_admin"], "test.touch", c.staff, {"n": 2})
    return World(county, there, _job(county.users["supervisor"]), _job(there.users["supervisor"]))


def html_client(world: World, role: str) -> Client:
    return Client() if role == ANON else login_client(world.here.users[role])


def api_client(world: World, role: str) -> Client:
    if role == ANON:
        return Client()
    with transaction.atomic():
        _token, raw = issue_api_token(world.here.users[role], "matrix")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def own_org(world: World, role: str) -> Organisation:
    user = world.here.users.get(role) or world.here.users["agency_officer"]
    return user.organisation


def new_enterprise(world: World) -> dict:
    return {
        "name": "慈溪市矩阵测试电器有限公司",
        "credit_code": credit_code(random.Random(7), HERE),
        "locality": world.here.town.name,
        "sector": "appliance",
    }


# --------------------------------------------------------------------------------------------
# The matrix. Columns, in order:
#   agency_officer, reviewer, supervisor, oversight, provider_admin, provider_staff, enterprise,
#   locality, system_admin, anonymous
# "local_enterprise" is the 330282 enterprise in the locality user's town (宗汉街道);
# "other_enterprise" is a 330282 enterprise in another town; "foreign_*" belong to 330281.
# --------------------------------------------------------------------------------------------

# fmt: off
HTML = {
    #                                   agy  rev  sup  ovs  padm pstf ent  loc  sys  anon
    "home":                            (200, 200, 200, 200, 200, 200, 200, 200, 200, R),
    "healthz":                         (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api_tokens":                      (200, 200, 200, 200, 200, 200, 200, 200, 200, R),
    "organisations":                   (200, 200, 200, 200, 200, 200, 200, 200, 200, R),
    "organisation_own":                (200, 200, 200, 200, 200, 200, 200, 200, 200, R),
    "organisation_local_enterprise":   (200, 200, 200, 200, 404, 404, 200, 200, 200, R),
    "organisation_other_enterprise":   (200, 200, 200, 200, 404, 404, 404, 404, 200, R),
    "organisation_other_provider":     (200, 200, 200, 200, 404, 404, 404, 404, 200, R),
    "organisation_foreign":            (404, 404, 404, 404, 404, 404, 404, 404, 200, R),
    "people":                          (200, 200, 200, 200, 200, 200, 200, 200, 200, R),
    "import":                          (403, 403, 200, 403, 403, 403, 403, 403, 200, R),
    "import_template":                 (403, 403, 200, 403, 403, 403, 403, 403, 200, R),
    "import_job":                      (403, 403, 200, 403, 403, 403, 403, 403, 200, R),
    "import_job_foreign":              (403, 403, 404, 403, 403, 403, 403, 403, 200, R),
    "import_errors":                   (403, 403, 200, 403, 403, 403, 403, 403, 200, R),
    "audit_trail":                     (403, 403, 200, 200, 403, 403, 403, 403, 200, R),
    "audit_verify_post":               (403, 403, 200, 200, 403, 403, 403, 403, 200, R),
}

API = {
    #                                   agy  rev  sup  ovs  padm pstf ent  loc  sys  anon
    "me":                              (200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "divisions":                       (200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "organisations":                   (200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "organisation_own":                (200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "organisation_local_enterprise":   (200, 200, 200, 200, 404, 404, 200, 200, 200, 401),
    "organisation_other_enterprise":   (200, 200, 200, 200, 404, 404, 404, 404, 200, 401),
    "organisation_foreign":            (404, 404, 404, 404, 404, 404, 404, 404, 200, 401),
    "people":                          (200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    "person_staff":                    (200, 200, 200, 200, 200, 200, 404, 404, 200, 401),
    "person_other_staff":              (200, 200, 200, 200, 404, 404, 404, 404, 200, 401),
    "person_foreign":                  (404, 404, 404, 404, 404, 404, 404, 404, 200, 401),
    "register_enterprise":             (403, 403, 201, 403, 403, 403, 403, 403, 201, 401),
    "upload_import":                   (403, 403, 202, 403, 403, 403, 403, 403, 202, 401),
    # The API shows a job only to its uploader (the HTML page also lets system admins in).
    "import_status":                   (403, 403, 200, 403, 403, 403, 403, 403, 200, 401),
    "import_status_foreign":           (403, 403, 404, 403, 403, 403, 403, 403, 200, 401),
    "audit_events":                    (403, 403, 200, 200, 403, 403, 403, 403, 200, 401),
    "audit_verify":                    (403, 403, 200, 200, 403, 403, 403, 403, 200, 401),
    "add_working_days":                (200, 200, 200, 200, 200, 200, 200, 200, 200, 401),
    # The schema is public documentation, like /api/docs: no data, no login needed.
    "openapi":                         (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
}
# fmt: on

# How to call each row: (method, url(world, role), request data(world) or None).
HTML_CALLS = {
    "home": ("get", lambda w, r: "/", None),
    "healthz": ("get", lambda w, r: "/healthz", None),
    "api_tokens": ("get", lambda w, r: "/accounts/tokens/", None),
    "organisations": ("get", lambda w, r: "/registry/organisations/", None),
    "organisation_own": (
        "get",
        lambda w, r: f"/registry/organisations/{own_org(w, r).pk}/",
        None,
    ),
    "organisation_local_enterprise": (
        "get",
        lambda w, r: f"/registry/organisations/{w.here.orgs['enterprise'].pk}/",
        None,
    ),
    "organisation_other_enterprise": (
        "get",
        lambda w, r: f"/registry/organisations/{w.here.orgs['other_enterprise'].pk}/",
        None,
    ),
    "organisation_other_provider": (
        "get",
        lambda w, r: f"/registry/organisations/{w.here.orgs['other_provider'].pk}/",
        None,
    ),
    "organisation_foreign": (
        "get",
        lambda w, r: f"/registry/organisations/{w.there.orgs['enterprise'].pk}/",
        None,
    ),
    "people": ("get", lambda w, r: "/registry/people/", None),
    "import": ("get", lambda w, r: "/registry/import/", None),
    "import_template": ("get", lambda w, r: "/registry/import/template.xlsx", None),
    "import_job": ("get", lambda w, r: f"/registry/import/{w.job.pk}/", None),
    "import_job_foreign": ("get", lambda w, r: f"/registry/import/{w.foreign_job.pk}/", None),
    "import_errors": ("get", lambda w, r: f"/registry/import/{w.job.pk}/errors.xlsx", None),
    "audit_trail": ("get", lambda w, r: "/audit/", None),
    "audit_verify_post": ("post", lambda w, r: "/audit/verify/", lambda w: {}),
}

V1 = "/api/v1"
API_CALLS = {
    "me": ("get", lambda w, r: f"{V1}/me", None),
    "divisions": ("get", lambda w, r: f"{V1}/registry/divisions", None),
    "organisations": ("get", lambda w, r: f"{V1}/registry/organisations", None),
    "organisation_own": (
        "get",
        lambda w, r: f"{V1}/registry/organisations/{own_org(w, r).pk}",
        None,
    ),
    "organisation_local_enterprise": (
        "get",
        lambda w, r: f"{V1}/registry/organisations/{w.here.orgs['enterprise'].pk}",
        None,
    ),
    "organisation_other_enterprise": (
        "get",
        lambda w, r: f"{V1}/registry/organisations/{w.here.orgs['other_enterprise'].pk}",
        None,
    ),
    "organisation_foreign": (
        "get",
        lambda w, r: f"{V1}/registry/organisations/{w.there.orgs['enterprise'].pk}",
        None,
    ),
    "people": ("get", lambda w, r: f"{V1}/registry/people", None),
    "person_staff": ("get", lambda w, r: f"{V1}/registry/people/{w.here.staff.pk}", None),
    "person_other_staff": (
        "get",
        lambda w, r: f"{V1}/registry/people/{w.here.other_staff.pk}",
        None,
    ),
    "person_foreign": ("get", lambda w, r: f"{V1}/registry/people/{w.there.staff.pk}", None),
    "register_enterprise": ("json", lambda w, r: f"{V1}/registry/enterprises", new_enterprise),
    "upload_import": (
        "post",
        lambda w, r: f"{V1}/registry/imports",
        lambda w: {"file": SimpleUploadedFile("registry.xlsx", build_template(HERE), XLSX)},
    ),
    "import_status": ("get", lambda w, r: f"{V1}/registry/imports/{w.job.pk}", None),
    "import_status_foreign": (
        "get",
        lambda w, r: f"{V1}/registry/imports/{w.foreign_job.pk}",
        None,
    ),
    "audit_events": ("get", lambda w, r: f"{V1}/audit/events", None),
    "audit_verify": ("get", lambda w, r: f"{V1}/audit/verify", None),
    "add_working_days": (
        "get",
        lambda w, r: f"{V1}/calendar/add-working-days?start=2026-01-05&days=5",
        None,
    ),
    "openapi": ("get", lambda w, r: "/api/openapi.json", None),
}
assert HTML_CALLS.keys() == HTML.keys() and API_CALLS.keys() == API.keys()
assert all(len(row) == len(ROLES) for row in (*HTML.values(), *API.values()))

# Cells where the code breaks the rule (the expected value above stays the rule's).
# Cells expected to fail because of a known bug (none open now); kind, row, role -> reason.
XFAIL: dict[tuple[str, str, str], str] = {}


def _cells(kind: str, table: dict):
    for name, row in table.items():
        for role, expected in zip(ROLES, row, strict=True):
            marks = []
            if reason := XFAIL.get((kind, name, role)):
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(name, role, expected, id=f"{name}-{role}", marks=marks)


def call(client: Client, world: World, calls: dict, name: str, role: str):
    method, url, data = calls[name]
    path = url(world, role)
    body = data(world) if data else None
    if method == "json":
        return client.post(path, body, content_type="application/json")
    if method == "post":
        return client.post(path, body or {})
    return client.get(path)


@pytest.mark.parametrize(("name", "role", "expected"), list(_cells("html", HTML)))
def test_html_cell(world, name, role, expected):
    response = call(html_client(world, role), world, HTML_CALLS, name, role)
    assert response.status_code != 500
    assert response.status_code == expected
    if expected == R:
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("name", "role", "expected"), list(_cells("api", API)))
def test_api_cell(world, name, role, expected):
    response = call(api_client(world, role), world, API_CALLS, name, role)
    assert response.status_code != 500
    assert response.status_code == expected
    assert response["Content-Type"].startswith("application/json")
    errors = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}
    if expected in errors:
        assert_error_body(response, errors[expected])


# --------------------------------------------------------------------------------------------
# Data scoping: which records each role sees, not only whether the page opens.
# --------------------------------------------------------------------------------------------

ORG_KEYS = (
    "system",
    "judicial",
    "finance",
    "agency",
    "other_agency",
    "oversight",
    "provider",
    "other_provider",
    "enterprise",
    "other_enterprise",
    "locality",
)
# role -> (organisations seen in 330282, in 330281)
VISIBLE_ORGS = {
    "agency_officer": (ORG_KEYS, ()),
    "reviewer": (ORG_KEYS, ()),
    "supervisor": (ORG_KEYS, ()),
    "oversight": (ORG_KEYS, ()),
    "provider_admin": (("provider",), ()),
    "provider_staff": (("provider",), ()),
    "enterprise": (("enterprise",), ()),
    "locality": (("provider", "enterprise", "locality"), ()),  # those in 宗汉街道
    "system_admin": (ORG_KEYS, ORG_KEYS),
}
# role -> (people seen in 330282, in 330281): `staff` works for the 330282 provider,
# `other_staff` for the other provider.
VISIBLE_PEOPLE = {
    "agency_officer": (("staff", "other_staff"), ()),
    "reviewer": (("staff", "other_staff"), ()),
    "supervisor": (("staff", "other_staff"), ()),
    "oversight": (("staff", "other_staff"), ()),
    "provider_admin": (("staff",), ()),
    "provider_staff": (("staff",), ()),  # only the person the account belongs to
    "enterprise": ((), ()),
    "locality": ((), ()),
    "system_admin": (("staff", "other_staff"), ("staff", "other_staff")),
}
# role -> how the 330282 provider's staff member's ID and phone numbers are shown (None: not seen)
STAFF_PII = {
    "agency_officer": "masked",
    "reviewer": "masked",
    "supervisor": "full",
    "oversight": "masked",
    "provider_admin": "full",
    "provider_staff": "masked",
    "enterprise": None,
    "locality": None,
    "system_admin": "full",
}
# role -> audit events seen, by county
VISIBLE_EVENT_COUNTIES = {
    "supervisor": {HERE},
    "oversight": {HERE},
    "system_admin": {HERE, THERE},
}
USER_ROLES = tuple(VISIBLE_ORGS)


def org_ids(world: World, role: str) -> set[int]:
    here, there = VISIBLE_ORGS[role]
    return {world.here.orgs[k].pk for k in here} | {world.there.orgs[k].pk for k in there}


def person_ids(world: World, role: str) -> set[int]:
    here, there = VISIBLE_PEOPLE[role]
    people = lambda c: {"staff": c.staff, "other_staff": c.other_staff}  # noqa: E731
    return {people(world.here)[k].pk for k in here} | {people(world.there)[k].pk for k in there}


def assert_no_foreign_text(world: World, role: str, response) -> None:
    if role == "system_admin":
        return
    text = response.content.decode()
    assert "余姚市" not in text
    for person in (world.there.staff, world.there.other_staff):
        assert person.name not in text
        assert person.id_number[-4:] + "<" not in text


@pytest.mark.parametrize("role", USER_ROLES)
def test_html_organisation_list_scope(world, role):
    response = html_client(world, role).get("/registry/organisations/")
    page = response.context["page"]
    assert {o.pk for o in page.object_list} == org_ids(world, role)
    assert page.paginator.count == len(org_ids(world, role))
    assert_no_foreign_text(world, role, response)


@pytest.mark.parametrize("role", USER_ROLES)
def test_api_organisation_list_scope(world, role):
    body = api_client(world, role).get(f"{V1}/registry/organisations?page_size=500").json()
    assert {o["id"] for o in body["items"]} == org_ids(world, role)
    assert body["count"] == len(org_ids(world, role))
    if role != "system_admin":
        assert {o["county_code"] for o in body["items"]} == {HERE}


@pytest.mark.parametrize("role", USER_ROLES)
def test_html_people_list_scope(world, role):
    response = html_client(world, role).get("/registry/people/")
    page = response.context["page"]
    assert {p.pk for p in page.object_list} == person_ids(world, role)
    assert page.paginator.count == len(person_ids(world, role))
    assert_no_foreign_text(world, role, response)


@pytest.mark.parametrize("role", USER_ROLES)
def test_api_people_list_scope(world, role):
    body = api_client(world, role).get(f"{V1}/registry/people?page_size=500").json()
    assert {p["id"] for p in body["items"]} == person_ids(world, role)
    assert body["count"] == len(person_ids(world, role))


@pytest.mark.parametrize("role", USER_ROLES)
def test_home_counts_scope(world, role):
    response = html_client(world, role).get("/")
    assert response.context["organisation_count"] == len(org_ids(world, role))
    assert response.context["people_count"] == len(person_ids(world, role))
    assert_no_foreign_text(world, role, response)


@pytest.mark.parametrize("role", USER_ROLES)
def test_divisions_scope(world, role):
    body = api_client(world, role).get(f"{V1}/registry/divisions").json()
    codes = {d["code"] for d in body}
    assert codes == {world.here.county.code, world.here.town.code, world.here.other_town.code}


@pytest.mark.parametrize("role", USER_ROLES)
def test_me(world, role):
    body = api_client(world, role).get(f"{V1}/me").json()
    user = world.here.users[role]
    assert body["username"] == user.username
    assert body["role"] == role
    assert body["organisation_id"] == user.organisation_id
    assert body["county_code"] == HERE


def _expected_numbers(person, view: str) -> tuple[str, str]:
    if view == "full":
        return person.id_number, person.phone
    return person.masked_id_number, person.masked_phone


@pytest.mark.parametrize("role", [r for r, view in STAFF_PII.items() if view])
def test_personal_data_in_people_list(world, role):
    staff, view = world.here.staff, STAFF_PII[role]
    id_shown, phone_shown = _expected_numbers(staff, view)
    if view == "masked":
        assert MASKED_ID.match(id_shown) and id_shown.startswith(HERE)
        assert id_shown == f"{HERE}********{staff.id_number[-4:]}"
        assert MASKED_PHONE.match(phone_shown)
    html = html_client(world, role).get("/registry/people/").content.decode()
    assert id_shown in html and phone_shown in html
    if view == "masked":
        assert staff.id_number not in html and staff.phone not in html
    api = api_client(world, role)
    listed = {p["id"]: p for p in api.get(f"{V1}/registry/people").json()["items"]}
    detail = api.get(f"{V1}/registry/people/{staff.pk}").json()
    for row in (listed[staff.pk], detail):
        assert (row["id_number"], row["phone"]) == (id_shown, phone_shown)


@pytest.mark.parametrize("role", [r for r, view in STAFF_PII.items() if view])
def test_personal_data_on_provider_page(world, role):
    """The provider's page lists its staff with the same masking as the people list."""
    assert world.here.orgs["provider"].pk in org_ids(world, role)
    staff = world.here.staff
    id_shown, _ = _expected_numbers(staff, STAFF_PII[role])
    url = f"/registry/organisations/{world.here.orgs['provider'].pk}/"
    html = html_client(world, role).get(url).content.decode()
    assert id_shown in html
    if STAFF_PII[role] == "masked":
        assert staff.id_number not in html


def test_other_providers_staff_masked_for_provider_admin(world):
    """A provider admin's full view is for its own staff only; other providers' stay hidden."""
    other = world.here.other_staff
    response = api_client(world, "provider_admin").get(f"{V1}/registry/people/{other.pk}")
    assert response.status_code == 404
    assert other.id_number not in response.content.decode()


def test_system_admin_sees_other_county_in_full(world):
    staff = world.there.staff
    body = api_client(world, "system_admin").get(f"{V1}/registry/people/{staff.pk}").json()
    assert body["id_number"] == staff.id_number


@pytest.mark.parametrize("role", tuple(VISIBLE_EVENT_COUNTIES))
def test_audit_trail_scope(world, role):
    response = html_client(world, role).get("/audit/")
    assert {e.county_code for e in response.context["page"].object_list} == (
        VISIBLE_EVENT_COUNTIES[role]
    )
    body = api_client(world, role).get(f"{V1}/audit/events?page_size=500").json()
    assert {e["county_code"] for e in body["items"]} == VISIBLE_EVENT_COUNTIES[role]
    if role != "system_admin":
        assert "余姚市" not in response.content.decode()


def test_register_enterprise_is_placed_in_own_county(world):
    client = api_client(world, "supervisor")
    payload = new_enterprise(world)
    response = client.post(f"{V1}/registry/enterprises", payload, content_type="application/json")
    assert response.status_code == 201
    org = Organisation.objects.get(credit_code=payload["credit_code"])
    assert (org.county_code, org.locality_id) == (HERE, world.here.town.pk)


def test_register_enterprise_rejects_other_countys_locality(world):
    payload = new_enterprise(world) | {"locality": world.there.town.name}
    response = api_client(world, "supervisor").post(
        f"{V1}/registry/enterprises", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert "locality" in response.json()["error"]["fields"]


def test_register_enterprise_cannot_take_over_other_countys_enterprise(world):
    foreign = world.there.orgs["enterprise"]
    before = (foreign.county_code, foreign.name, foreign.locality_id)
    payload = new_enterprise(world) | {"credit_code": foreign.credit_code, "name": "被改名"}
    response = api_client(world, "supervisor").post(
        f"{V1}/registry/enterprises", payload, content_type="application/json"
    )
    assert response.status_code in (403, 404, 409, 422)
    foreign.refresh_from_db()
    assert (foreign.county_code, foreign.name, foreign.locality_id) == before


def test_locality_without_division_sees_only_itself(world):
    own = world.here.orgs["locality"]
    Organisation.objects.filter(pk=own.pk).update(locality=None)
    client = html_client(world, "locality")
    response = client.get("/registry/organisations/")
    assert {o.pk for o in response.context["page"].object_list} == {own.pk}
    other = world.here.orgs["agency"]
    assert client.get(f"/registry/organisations/{other.pk}/").status_code == 404


# role -> locked accounts counted in the home page's to-dos (one locked user in each county)
LOCKED_TODO = {"supervisor": 1, "system_admin": 2}


@pytest.mark.parametrize("role", USER_ROLES)
def test_home_locked_accounts_todo_scope(world, role):
    until = timezone.now() + timedelta(minutes=10)
    locked = [world.here.users["reviewer"].pk, world.there.users["reviewer"].pk]
    User.objects.filter(pk__in=locked).update(locked_until=until)
    todos = html_client(world, role).get("/").context["todos"]
    counts = [t.count for t in todos if t.title == "被临时锁定的账户"]
    assert counts == ([LOCKED_TODO[role]] if role in LOCKED_TODO else [])


def test_import_job_appears_only_for_its_uploader(world):
    """The import page lists the user's own jobs, never another county's."""
    response = html_client(world, "supervisor").get("/registry/import/")
    assert [j.pk for j in response.context["jobs"]] == [world.job.pk]


def test_add_working_days_answers(world):
    body = (
        api_client(world, "enterprise")
        .get(f"{V1}/calendar/add-working-days?start=2026-01-05&days=5")
        .json()
    )
    assert body["start"] == "2026-01-05" and body["working_days"] == 5
    assert date.fromisoformat(body["deadline"]) > date(2026, 1, 5)
