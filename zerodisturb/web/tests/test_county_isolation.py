"""Several counties in one database: every page of the site, for every role of a county.

The pages are enumerated from the URL configuration, so a new page fails here until it is placed
in one of the tables below:

* a page without parameters, as each role of 慈溪市, shows after 余姚市 was added exactly what it
  showed before (records, counts, to-dos, badges, exports) and nothing naming 余姚市 — also with
  hostile filters (余姚's ids, ?county=330281, a search matching both counties);
* a page about one record answers a 慈溪市 user for a 余姚市 record exactly as for a record that
  does not exist (404 for the detail pages: existence is not revealed), GET and POST;
* 宁波市's supervisor and oversight read 余姚市's records like 余姚市's own do, and change nothing.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from zerodisturb.audit.models import AuditEvent
from zerodisturb.oversight.catalogue import KPIS
from zerodisturb.registry.choices import DivisionLevel
from zerodisturb.registry.models import Division
from zerodisturb.roles import Role, county_codes_for
from zerodisturb.testing.counties import CITY, HERE, THERE
from zerodisturb.testing.factories import DivisionFactory, OrganisationFactory, UserFactory
from zerodisturb.web.tests.isolation import (
    CITY_ROLES,
    COUNTY_ROLES,
    MISSING,
    _db_in_world,  # noqa: F401  (autouse fixture)
    body_text,
    city_world,
    client_for,
    leaks,
    normalised,
)

# Pages for anyone, without login: the public lists show every county on purpose (?county=).
PUBLIC = {
    "healthz",
    "login",
    "logout",
    "set_language",
    "public:lists",
    "verify_search",
    "verify",
    "scan",
    "complaints:public_new",
    "complaints:public_receipt",
    "complaints:public_status",
    "complaints:public_act",
}
# Which record of a county each URL parameter names, per URL name (prefix match on "app:").
RECORD_OF = {
    "registry:organisation": {"pk": "enterprise"},
    "registry:import_job": {"pk": "import_job"},
    "registry:import_errors": {"pk": "import_job"},
    "accounts:revoke_token": {"pk": "api_token"},
    "commissioning:negative_rule_edit": {"pk": "negative_rule"},
    "commissioning:negative_rule_active": {"pk": "negative_rule"},
    "commissioning:item": {"pk": "item"},  # and every commissioning:item_*
    "contracts:new": {"item_pk": "item"},
    "contracts:pdf": {"pk": "contract", "number": 1},
    "contracts:": {"pk": "contract"},
    "credentials:": {"pk": "credential"},
    "visits:": {"pk": "visit"},
    "evaluations:new": {"visit_pk": "visit"},
    "evaluations:detail": {"pk": "evaluation"},
    "evaluations:amend": {"pk": "evaluation"},
    "evaluations:": {"pk": "ticket"},  # the rectification pages
    "complaints:act": {"pk": "complaint", "action": "acknowledge"},
    "complaints:": {"pk": "complaint"},
    "problems:": {"pk": "problem"},
    "scorecards:detail": {"pk": "provider"},
    "scorecards:": {"pk": "exit_case"},
    "alerts:": {"pk": "alert"},
    "surveys:answer": {"pk": "invitation"},
    "surveys:question_move": {"pk": "survey", "question_pk": "question"},
    "surveys:": {"pk": "survey"},
}
# Pages with slugs rather than records: the records behind each dashboard figure.
RECORDS_PAGES = sorted(
    {k.drill for k in KPIS if k.drill}
    | {k.drill_den for k in KPIS if k.drill_den}
    | {("enterprise", "visited"), ("enterprise", "frequent")}
    | {("exit_case", "warned"), ("exit_case", "exited")}
)
# Detail pages a county's supervisor opens: the city's supervisor opens them too.
DETAIL_PAGES = (
    "registry:organisation",
    "commissioning:item",
    "contracts:detail",
    "credentials:detail",
    "visits:detail",
    "evaluations:detail",
    "evaluations:rectification",
    "complaints:detail",
    "problems:detail",
    "scorecards:detail",
    "scorecards:exit_detail",
    "alerts:detail",
    "surveys:detail",
)
# The audit trail grows with this test's own requests (exports are audited): no snapshot there.
AUDITED_HERE = "/audit/"
# Confirming arrival/departure looks the visit up in every county, then refuses (403).
KNOWN_EXISTENCE_LEAKS: set[str] = set()


def _patterns():
    """(name, route, parameter names) of every page, Django admin and the JSON API aside."""
    found = []

    def walk(resolver, namespace, prefix):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if prefix + str(p.pattern) in ("admin/", "api/"):
                    continue
                ns = ":".join(x for x in (namespace, p.namespace) if x)
                walk(p, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                if (prefix + str(p.pattern)).startswith("api/"):
                    continue  # an API operation routed ahead of ninja (api.direct_get)
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append((name, prefix + str(p.pattern), tuple(p.pattern.converters)))

    walk(get_resolver(), "", "")
    return found


PATTERNS = _patterns()
PLAIN = sorted(
    name
    for name, _route, params in PATTERNS
    if not params and name not in PUBLIC and name != "oversight:list"  # same page as dashboard
)
WITH_RECORD = sorted(
    name
    for name, _route, params in PATTERNS
    if params and name not in PUBLIC and name != "oversight:records"  # RECORDS_PAGES
)


def _record_params(name: str) -> dict:
    table = RECORD_OF.get(name)
    if table is None and name.startswith("commissioning:item"):
        table = RECORD_OF["commissioning:item"]
    if table is None:
        table = RECORD_OF.get(name.split(":")[0] + ":")
    assert table is not None, f"{name}: add the record its parameters name to RECORD_OF"
    return table


def url_for(name: str, records: dict | None) -> str:
    """The page's address for a county's records, or for records that do not exist (None)."""
    kwargs = {}
    for param, what in _record_params(name).items():
        if not isinstance(what, str) or param == "action":
            kwargs[param] = what
        elif records is None:
            kwargs[param] = MISSING
        else:
            kwargs[param] = records[what].pk
    return reverse(name, kwargs=kwargs)


def plain_urls() -> list[str]:
    urls = [reverse(name) for name in PLAIN]
    urls += [url + "?format=xlsx" for url in urls]  # every list's export, where it has one
    urls += [
        reverse("oversight:records", args=pair) + "?period=year&year=2026" for pair in RECORDS_PAGES
    ]
    urls += [reverse("oversight:dashboard") + "?period=year&year=2026&format=xlsx"]
    urls += [
        reverse("oversight:records", args=RECORDS_PAGES[0]) + "?period=year&year=2026&format=xlsx"
    ]
    return urls


def _see(role, users):
    def look(url):
        client = client_for(users[role])
        response = client.get(url)
        return response.status_code, normalised(body_text(response))

    return look


def kpi_report(county: str) -> str:
    out = io.StringIO()
    call_command("kpi_report", "--county", county, "--year", "2026", stdout=out)
    return normalised(re.sub(r'"refreshed_at": "[^"]*"', "", out.getvalue()))


def snapshot(here) -> dict:
    seen = {("kpi_report", here.code): kpi_report(here.code)}
    for role in COUNTY_ROLES:
        look = _see(role, here.county.users)
        for url in plain_urls():
            seen[(role, url)] = look(url)
    return seen


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from city_world(django_db_blocker, tmp_path_factory, snapshot)


def test_county_codes_of_each_level(world):
    province = DivisionFactory(code="330000", name="浙江省", level=DivisionLevel.PROVINCE)
    Division.objects.filter(code=CITY).update(parent=province)
    office = OrganisationFactory(county_code="330000", kind="government", is_oversight=True)
    reader = UserFactory(username="oversight_330000", role=Role.OVERSIGHT, organisation=office)
    assert county_codes_for(reader) == ["330000", THERE, HERE]
    assert county_codes_for(world.city_users["supervisor"]) == [CITY, THERE, HERE]
    assert county_codes_for(world.here.county.users["supervisor"]) == [HERE]
    # Only the whole-county readers widen: a city-level agency officer keeps its own code.
    officer = UserFactory(username="officer_330200", role=Role.AGENCY_OFFICER, organisation=office)
    assert county_codes_for(officer) == ["330000"]


def test_every_page_is_placed():
    for name in WITH_RECORD:
        _record_params(name)
    assert {"home", "oversight:dashboard", "visits:list"} <= set(PLAIN)


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_pages_unchanged_by_another_county(world, role):
    look = _see(role, world.here.county.users)
    for url in plain_urls():
        status, text = look(url)
        assert not leaks(text), (role, url, leaks(text))
        before = world.before[(role, url)]
        assert status == before[0], (role, url)
        if not url.startswith(AUDITED_HERE):
            assert text == before[1], f"{role} {url}: the page changed when 余姚市 was added"


def test_kpi_report_of_a_county_is_unchanged_by_another(world):
    assert kpi_report(world.here.code) == world.before[("kpi_report", world.here.code)]
    assert kpi_report(world.there.code) != kpi_report("330283")  # a county without records


def _hostile_query(there) -> str:
    r = there.records
    return (
        f"?county={there.code}&q=兴科化纤&agency={r['agency'].pk}&provider={r['provider'].pk}"
        f"&enterprise={r['enterprise'].pk}&locality={there.county.town.pk}"
        f"&organisation={r['enterprise'].pk}&period=year&year=2026"
    )


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_filters_naming_the_other_county_show_nothing_of_it(world, role):
    client = client_for(world.here.county.users[role])
    query = _hostile_query(world.there)
    for url in plain_urls():
        response = client.get(url.split("?")[0] + query + ("&format=xlsx" if "xlsx" in url else ""))
        assert response.status_code < 500, url
        # The language switcher carries the page's own address back (its `next` field).
        # and exports write the filters they were given into the audit trail.
        text = re.sub(rf"county\W{{1,4}}{world.there.code}", "", body_text(response))
        assert not leaks(text), (role, url, leaks(text))


def _answers_as_missing(client, name, there) -> list[str]:
    wrong = []
    theirs, missing = url_for(name, there), url_for(name, None)
    for method in ("get", "post"):
        got = getattr(client, method)(theirs)
        expected = getattr(client, method)(missing)
        if got.status_code != expected.status_code or leaks(body_text(got)):
            wrong.append(
                f"{method.upper()} {theirs}: {got.status_code}, not {expected.status_code}"
            )
    return wrong


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_records_of_the_other_county_answer_as_if_missing(world, role):
    client = client_for(world.here.county.users[role])
    events = AuditEvent.objects.filter(county_code=world.there.code).count()
    wrong = []
    for name in WITH_RECORD:
        if name not in KNOWN_EXISTENCE_LEAKS:
            wrong += _answers_as_missing(client, name, world.there.records)
    assert not wrong
    assert AuditEvent.objects.filter(county_code=world.there.code).count() == events


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_own_record_pages_offer_nothing_of_the_other_county(world, role):
    """Forms on a record's pages (reroute to an agency, join with a contract, send to localities,
    issue for a person …) choose among the county's own organisations, people and contracts."""
    client = client_for(world.here.county.users[role])
    for name in WITH_RECORD:
        response = client.get(url_for(name, world.here.records))
        assert response.status_code < 500, name
        assert not leaks(body_text(response)), (role, name)


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_own_detail_pages_answer(world, role):
    """The other county's 404s above are not 404s for everything: the supervisor opens its own."""
    if role != "supervisor":
        pytest.skip("the supervisor opens every detail page")
    client = client_for(world.here.county.users[role])
    for name in DETAIL_PAGES:
        assert client.get(url_for(name, world.here.records)).status_code == 200, name


@pytest.mark.parametrize("role", CITY_ROLES)
def test_the_city_reads_each_county_like_its_own_users(world, role):
    city = client_for(world.city_users[role])
    for rich in (world.here, world.there):
        own = client_for(rich.county.users[role])
        for name in DETAIL_PAGES:
            url = url_for(name, rich.records)
            assert city.get(url).status_code == own.get(url).status_code, (role, url)
        for name in ("commissioning:items", "contracts:list", "visits:list", "complaints:list"):
            assert rich.county.county.name in city.get(reverse(name)).content.decode(), name


@pytest.mark.parametrize("role", CITY_ROLES)
def test_the_city_dashboard_chooses_a_county(world, role):
    city = client_for(world.city_users[role])
    url = reverse("oversight:dashboard") + "?period=year&year=2026"
    for rich in (world.here, world.there):
        own = client_for(rich.county.users[role])
        mine = own.get(reverse("api:kpis") + "?period=year&year=2026").json()
        theirs = city.get(reverse("api:kpis") + f"?period=year&year=2026&county={rich.code}")
        assert theirs.json()["kpis"] == mine["kpis"]
        page = city.get(url + f"&county={rich.code}").content.decode()
        assert f'<option value="{rich.code}" selected>' in page


@pytest.mark.parametrize("role", CITY_ROLES)
def test_the_city_changes_nothing_in_a_county(world, role):
    """Reading is not acting: no action of the city's users on a county's records goes through."""
    city = client_for(world.city_users[role])
    events = AuditEvent.objects.exclude(county_code="330200").count()
    for name in WITH_RECORD:
        response = city.post(
            url_for(name, world.there.records), {"reason": "市级抽查", "note": "x"}
        )
        assert response.status_code < 500, name
    assert AuditEvent.objects.exclude(county_code="330200").count() == events


def _bureau_actions(r: dict) -> dict:
    """What only a county's judicial bureau does, each as a call on the other county's records."""
    from zerodisturb.alerts.services import close_alert
    from zerodisturb.complaints.intake import reroute_complaint
    from zerodisturb.contracts.services import accept_filing, return_filing
    from zerodisturb.credentials.services import issue_credential, suspend_credential
    from zerodisturb.evaluations.services.rectifications import decide_rectification
    from zerodisturb.scorecards.services import confirm_exit, reject_exit
    from zerodisturb.surveys.services import add_question, close_survey
    from zerodisturb.visits.services import approve_visit_plan, cancel_visit

    term = r["contract"].accepted_version
    return {
        "accept_filing": lambda u: accept_filing(u, r["contract"]),
        "return_filing": lambda u: return_filing(u, r["contract"], "市级退回"),
        "issue_credential": lambda u: issue_credential(
            u,
            r["person"],
            [r["contract"]],
            valid_from=term.term_start,
            valid_to=term.term_end,
            scope="技术咨询",
        ),
        "suspend_credential": lambda u: suspend_credential(u, r["credential"], "市级暂停"),
        "decide_rectification": lambda u: decide_rectification(u, r["ticket"], decision="upheld"),
        "confirm_exit": lambda u: confirm_exit(u, r["exit_case"], reason="市级决定"),
        "reject_exit": lambda u: reject_exit(u, r["exit_case"], reason="市级决定"),
        "close_alert": lambda u: close_alert(u, r["alert"], note="市级关闭"),
        "reroute_complaint": lambda u: reroute_complaint(
            u, r["complaint"], agency=r["agency"], reason="市级转办"
        ),
        "close_survey": lambda u: close_survey(u, r["survey"]),
        "add_question": lambda u: add_question(u, r["survey"], kind="text", text="市级加题"),
        "cancel_visit": lambda u: cancel_visit(u, r["unscanned_visit"], "市级取消"),
        "approve_visit_plan": lambda u: approve_visit_plan(u, r["agency"], 2027, "市级计划"),
    }


BUREAU_ACTIONS = (
    "accept_filing",
    "return_filing",
    "issue_credential",
    "suspend_credential",
    "decide_rectification",
    "confirm_exit",
    "reject_exit",
    "close_alert",
    "reroute_complaint",
    "close_survey",
    "add_question",
    "cancel_visit",
    "approve_visit_plan",
)


@pytest.mark.parametrize("action", BUREAU_ACTIONS)
def test_the_city_bureau_does_not_act_as_a_county_bureau(world, action):
    from django.core.exceptions import PermissionDenied

    city = world.city_users["supervisor"]
    with pytest.raises(PermissionDenied):
        _bureau_actions(world.there.records)[action](city)


@pytest.mark.parametrize("action", BUREAU_ACTIONS)
def test_the_county_bureau_itself_may(world, action):
    """The refusals above are about the city, not the call: the county's bureau is not refused
    (a state rule may still say no, as a ValidationError)."""
    from django.core.exceptions import ValidationError

    own = world.there.county.users["supervisor"]
    try:
        _bureau_actions(world.there.records)[action](own)
    except ValidationError:
        pass
