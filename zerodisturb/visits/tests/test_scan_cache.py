"""The cached scan (visits.scancache): every change a scan judges shows on the very next scan,
a warm scan is one INSERT, and the cached verdict is the one credential_state() gives."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from zerodisturb.cachestamps import stamps
from zerodisturb.contracts.services import accept_filing, amend_contract, file_contract
from zerodisturb.credentials.services import (
    credential_state,
    reinstate_credential,
    revoke_credential,
    suspend_credential,
)
from zerodisturb.credentials.tokens import sign
from zerodisturb.registry.services import set_active
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    PDF,
    contract_data,
    panel_fixture,
    staff_member,
)
from zerodisturb.testing.during import (
    contract_in_force,
    officer_person,
    visit_today,
)
from zerodisturb.testing.during import credential_for as credential_today
from zerodisturb.testing.visits import VISIT_DAY, planned_visit, visit_world_fixture  # noqa: F401
from zerodisturb.visits import scancache
from zerodisturb.visits.models import ScanLog
from zerodisturb.visits.public_api import ScanOut
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import cancel_visit, check_in, check_out, close_visit

pytestmark = pytest.mark.django_db

GATE = VISIT_DAY + timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _empty_cache():
    # Ids come back after a test's rollback: no test may meet another's cached facts.
    cache.clear()
    scancache._local.clear()
    yield
    cache.clear()
    scancache._local.clear()


@pytest.fixture
def visit(visit_world):
    return planned_visit(visit_world).visit


def scanned(world, visit, at=GATE, credential=None):
    token = sign(visit.pk, (credential or world.lead.credential).pk, at)
    return scan(token, at, world.enterprise_user)


def test_a_suspension_shows_on_the_very_next_scan_and_a_reinstatement_too(visit_world, visit):
    credential = visit_world.lead.credential
    assert scanned(visit_world, visit).valid
    assert scanned(visit_world, visit).valid  # answered from the cache

    suspend_credential(visit_world.panel.supervisor, credential, "待核查")
    assert scanned(visit_world, visit).code == "suspended"

    reinstate_credential(visit_world.panel.supervisor, credential)
    assert scanned(visit_world, visit).valid

    revoke_credential(visit_world.panel.supervisor, credential, "违规")
    assert scanned(visit_world, visit).code == "revoked"


def test_a_cancelled_visit_shows_on_the_next_scan(visit_world, visit):
    assert scanned(visit_world, visit).valid
    cancel_visit(visit_world.panel.officer, visit, "企业停产")
    assert scanned(visit_world, visit).code == "cancelled"


def test_after_departure_the_code_is_refused_and_the_replay_logged(visit_world, visit):
    assert scanned(visit_world, visit).valid
    check_in(visit_world.enterprise_user, visit, now=GATE)
    assert scanned(visit_world, visit).valid  # arrival does not end the visit
    check_out(visit_world.enterprise_user, visit, now=GATE + timedelta(hours=1))

    replay = scanned(visit_world, visit, at=GATE + timedelta(hours=1))
    assert (replay.valid, replay.code) == (False, "visit_ended")
    assert ScanLog.objects.filter(visit=visit, code="visit_ended", valid=False).count() == 1

    close_visit(visit_world.panel.officer, visit, now=GATE + timedelta(hours=2))
    assert scanned(visit_world, visit, at=GATE + timedelta(hours=2)).code == "visit_ended"


def test_the_holder_taken_off_the_contract_by_an_accepted_amendment(visit_world, visit):
    panel, contract = visit_world.panel, visit_world.lead.contract
    assert scanned(visit_world, visit).valid
    replacement = staff_member(panel)
    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, staff=[replacement.pk], term_end="2027-06-30"),
        PDF,
        "人员调整",
        now=GATE,
    )
    assert scanned(visit_world, visit).valid  # filed amendments count once accepted
    file_contract(panel.officer, contract, now=GATE)
    accept_filing(panel.supervisor, contract, now=GATE)
    assert scanned(visit_world, visit).code == "not_on_contract"


def test_a_holder_who_left_is_refused_on_the_next_scan(visit_world, visit):
    assert scanned(visit_world, visit).valid
    set_active(visit_world.panel.supervisor, visit_world.panel.county.staff, False, "离职")
    assert scanned(visit_world, visit).code == "person_inactive"


def test_facts_rebuilt_by_another_reader_before_the_commit_are_retired_by_it(
    visit_world, visit, django_capture_on_commit_callbacks
):
    """The race a shared cache allows: a reader in another process rebuilds the facts after the
    service's first stamp but before its commit, so from the old state. The commit's stamp must
    retire them."""
    credential = visit_world.lead.credential
    assert scanned(visit_world, visit).valid  # the code was shown: no more stamps by scans
    stale = scancache.build(visit.pk, credential.pk)
    assert stale.credential_status == "active"
    names = scancache._key(visit.pk, credential.pk)
    with django_capture_on_commit_callbacks(execute=True):  # leaving it is the commit
        suspend_credential(visit_world.panel.supervisor, credential, "待核查")
        # The other reader: the stamps as they are now, the database as it was.
        raced = "zd:scan:{}:{}:{}".format(visit.pk, credential.pk, ":".join(stamps(*names)))
        cache.set(raced, stale, scancache.FACTS_SECONDS)
        scancache._local.clear()
        assert scanned(visit_world, visit).valid  # the race, as it would be seen before commit
    scancache._local.clear()
    assert scanned(visit_world, visit).code == "suspended"


def test_the_verdict_over_the_facts_is_credential_state(visit_world, visit):
    credential = visit_world.lead.credential
    days = [
        credential.valid_from - timedelta(days=1),
        credential.valid_from,
        VISIT_DAY.date(),
        credential.valid_to,
        credential.valid_to + timedelta(days=1),
    ]

    def same_on_every_day():
        credential.refresh_from_db()
        credential.person.refresh_from_db()
        facts = scancache.build(visit.pk, credential.pk)
        for day in days:
            state = credential_state(credential, day)
            assert scancache.credential_verdict(facts, day) == (
                state.valid,
                state.code,
                state.message,
            ), day

    same_on_every_day()
    suspend_credential(visit_world.panel.supervisor, credential, "待核查")
    same_on_every_day()
    revoke_credential(visit_world.panel.supervisor, credential, "违规")
    same_on_every_day()


def _api_scan(client, token):
    return client.get(f"/api/v1/public/scan/{token}")


@pytest.fixture
def today(panel):
    """(visit, credential) for a visit today: the public API scans at the real time."""
    contract = contract_in_force(panel)
    credential = credential_today(panel, contract)
    return visit_today(panel, contract, credential, officer_person(panel)), credential


@override_settings(RATE_LIMIT_VERIFY=10**6)
def test_a_warm_scan_is_one_insert(today, django_assert_num_queries):
    visit, credential = today
    client = Client()
    token = sign(visit.pk, credential.pk)
    assert _api_scan(client, token).json()["valid"]
    _api_scan(client, token)  # the first valid scan was recorded on the visit: facts rebuilt
    with django_assert_num_queries(1):  # the scan log's INSERT, nothing else
        assert _api_scan(client, token).json()["valid"]
    assert ScanLog.objects.filter(valid=True).count() == 3
    visit.refresh_from_db()
    assert visit.valid_scan_at is not None


@override_settings(RATE_LIMIT_VERIFY=10**6)
def test_a_forged_code_costs_one_insert_and_is_logged(today, django_assert_num_queries):
    visit, credential = today
    token = sign(visit.pk, credential.pk)
    body, signature = token.split(".")
    forged = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert _api_scan(Client(), token).json()["valid"]  # this process now knows the key
    with django_assert_num_queries(1):
        answer = _api_scan(Client(), forged).json()
    assert (answer["valid"], answer["code"]) == (False, "bad_signature")
    assert ScanLog.objects.filter(code="bad_signature", valid=False).count() == 1


@override_settings(RATE_LIMIT_VERIFY=10**6)
def test_the_prerendered_answer_is_what_ninja_renders_from_scan_out(today):
    visit, credential = today
    token = sign(visit.pk, credential.pk)
    response = _api_scan(Client(), token)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["valid"]
    facts = scancache.facts(visit.pk, credential.pk)
    verdict = {k: data[k] for k in ("valid", "code", "message")}
    expected = json.dumps(
        ScanOut.model_validate(verdict | facts.answer).model_dump(), cls=NinjaJSONEncoder
    )
    assert response.content.decode() == expected
    assert data["staff"][0]["credential_number"] == credential.number
    assert data["legal_basis"] and data["officers"] and data["rights"]


def _redis_url() -> str | None:
    try:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.3)
        client.ping()
    except Exception:  # noqa: BLE001 - no Redis here: the shared-cache test is skipped
        return None
    return "redis://127.0.0.1:6379/15"


@pytest.mark.skipif(_redis_url() is None, reason="no Redis on 127.0.0.1:6379")
def test_with_a_shared_cache_another_process_sees_the_suspension(visit_world, visit):
    """Another process shares only the cache: its memo of unpickled facts is its own."""
    redis_cache = {
        "default": {
            "BACKEND": "zerodisturb.cache.RedisCache",
            "LOCATION": _redis_url(),
            "KEY_PREFIX": f"zdtest{visit.pk}-{timezone.now().timestamp()}",
        }
    }
    with override_settings(CACHES=redis_cache):
        assert scanned(visit_world, visit).valid
        other_process_memo = dict(scancache._local)  # what the other process holds
        suspend_credential(visit_world.panel.supervisor, visit_world.lead.credential, "待核查")
        scancache._local.clear()
        scancache._local.update(other_process_memo)
        assert scanned(visit_world, visit).code == "suspended"
        cache.clear()


def test_facts_built_before_the_first_scan_was_recorded_do_not_undo_it(visit_world, visit):
    credential = visit_world.lead.credential.pk
    stale = scancache.facts(visit.pk, credential)
    assert not stale.code_shown
    scancache.code_shown(stale)
    key = scancache.facts_key(visit.pk, credential, stamps(*scancache._key(visit.pk, credential)))
    assert scancache._local[key].code_shown

    scancache._remember(key, stale)  # a phone that waited for the build, remembering it late

    assert scancache._local[key].code_shown
    assert scancache.facts(visit.pk, credential).code_shown
