"""Every cache key the busy paths build is one Django's key check accepts, so the project's cache
backends (zerodisturb/cache.py) may skip that check: here it runs, with its warnings as errors,
on Django's own LocMem backend, through scans, check-in, verification and sign-in."""

from __future__ import annotations

import warnings

import pytest
from django.core.cache import CacheKeyWarning, cache, caches
from django.test import Client

from zerodisturb.testing.commissioning import panel_fixture
from zerodisturb.visits.tests.api_world import V1, client, lead_side, plan_body

__all__ = ["panel_fixture"]

DJANGO_LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cache-keys-test",
    }
}


@pytest.fixture
def checked_keys(settings):
    settings.CACHES = DJANGO_LOCMEM
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        yield
    cache.clear()


def test_the_project_backends_skip_only_the_key_check(settings):
    from zerodisturb.cache import LocMemCache

    assert settings.CACHES["default"]["BACKEND"] == "zerodisturb.cache.LocMemCache"
    local = LocMemCache("t", {})
    local.set("a key with spaces", 1)  # accepted without a warning; Django's would warn
    assert local.get("a key with spaces") == 1
    assert local.incr("a key with spaces") == 2


def test_busy_paths_build_valid_keys(panel, checked_keys):
    assert type(caches["default"]).__module__ == "django.core.cache.backends.locmem"
    side = lead_side(panel)
    officer = client(panel, side.officer)
    enterprise = panel.county.orgs["enterprise"]
    visit = officer.post(
        f"{V1}/visits", plan_body(side, enterprise), content_type="application/json"
    )
    visit_id = visit.json()["visit"]["id"]
    token = client(panel, "provider_staff").get(f"{V1}/visits/{visit_id}/code").json()["token"]
    public = Client()
    for _ in range(2):
        assert public.get(f"{V1}/public/scan/{token}").json()["valid"] is True
    assert public.get(f"/scan/{token}").status_code == 200
    checked = client(panel, "enterprise").post(f"{V1}/visits/{visit_id}/check-in")
    assert checked.status_code == 200, checked.content
    assert public.get(f"{V1}/public/scan/{token}").json()["valid"] is True
    assert public.get(f"/verify/{side.credential.number}").status_code == 200
    assert public.get(f"{V1}/public/credentials/{side.credential.number}").status_code == 200
    assert public.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200


def test_immutable_values_are_kept_as_they_are_everything_else_as_a_copy():
    from dataclasses import dataclass

    from zerodisturb.cache import LocMemCache

    @dataclass(frozen=True)
    class Shared:
        SHARED = True
        n: int

    local = LocMemCache("immutables", {})
    shared = Shared(1)
    local.set("shared", shared)
    local.set("text", "文本")
    assert local.get("shared") is shared  # no pickle: the same object
    assert local.get("text") == "文本"
    assert local.get_many(["shared", "text"]) == {"shared": shared, "text": "文本"}

    rows = [1, 2]
    local.set("rows", rows)
    rows.append(3)  # the caller's list changes after the set ...
    got = local.get("rows")
    assert got == [1, 2]  # ... and the cache kept its own copy
    got.append(4)  # the copy a caller got changes ...
    assert local.get("rows") == [1, 2]  # ... and the cache does not
    assert local.add("rows", [9]) is False and local.add("new", (1, "a")) is True
    assert local.get("new") == (1, "a")
    local.set("payload", b"\x80bytes")  # bytes are pickled too: never taken for a pickle
    assert local.get("payload") == b"\x80bytes"

    local.set("count", 1)
    assert local.incr("count", 2) == 3 and local.get("count") == 3
    local.set("pickled count", [1])
    with pytest.raises(TypeError):
        local.incr("pickled count")  # as Django's: a list cannot be incremented
