"""What the two county-isolation test modules share: the city world built once per module, the
users of each county and of the city, and reading any answer (page, JSON, Excel) as text.

County 慈溪市 (HERE) is built first and everything its users see is recorded; then 余姚市 (THERE)
is added. A user of HERE must see exactly what they saw before (same records, same counts) and
nothing that names THERE (its name or its division code).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings

from zerodisturb.accounts.services import issue_api_token
from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.models import Alert
from zerodisturb.commissioning.models import NegativeRule
from zerodisturb.problems.models import Problem
from zerodisturb.registry.choices import DivisionLevel, OrganisationKind
from zerodisturb.registry.models import Division, ImportJob
from zerodisturb.roles import Role
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.testing.counties import (
    CITY,
    HERE,
    THERE,
    RichCounty,
    build_rich_county,
)
from zerodisturb.testing.factories import DivisionFactory, OrganisationFactory, UserFactory
from zerodisturb.testing.visits import VISIT_DAY

COUNTY_ROLES = tuple(r.value for r in Role if r != Role.SYSTEM_ADMIN)
# The system administrator runs the deployment (Django admin, every county): not a county user.
CITY_ROLES = (Role.SUPERVISOR.value, Role.OVERSIGHT.value)
THERE_TOKENS = ("余姚", THERE)
MISSING = 987654  # an id no record has
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{32,}")  # CSRF tokens, hashes, signed codes
# Clock readings (an export's "exported at", "x minutes ago"): the test may cross a minute.
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")


@dataclass
class CityWorld:
    here: RichCounty
    there: RichCounty
    city_users: dict
    before: dict = field(default_factory=dict)  # (role, key) -> (status, text) before THERE


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body_text(response) -> str:
    """An answer as searchable text: pages and JSON as text, workbooks cell by cell; PDFs and
    images (compressed, fonts embedded) as nothing."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
        return "\n".join(cells)
    if ctype.startswith("application/json"):
        try:
            return json.dumps(json.loads(content), ensure_ascii=False, sort_keys=True)
        except ValueError:
            return content.decode("utf-8", "replace")
    if ctype.startswith(("application/pdf", "image/")):
        return ""
    return content.decode("utf-8", "replace")


def normalised(text: str) -> str:
    return _MOMENT.sub("@", _TOKENISH.sub("~", text))


def leaks(text: str) -> list[str]:
    return [t for t in THERE_TOKENS if t in text]


def _worker_runs(expected: int) -> None:
    from zerodisturb.alerts.services import detect_alerts
    from zerodisturb.scorecards.services import assess_providers
    from zerodisturb.scorecards.tests.scenario import moment

    assert detect_alerts(AlertKind.VISIT_NO_SCAN, VISIT_DAY + timedelta(days=3)) == expected
    assert assess_providers(moment(2026, 7, 1)) == expected


def _complete(rich: RichCounty) -> None:
    """The records the worker made, and a few of the county's own kinds the pages need."""
    code, records = rich.code, rich.records
    supervisor = rich.county.users[Role.SUPERVISOR.value]
    records["alert"] = Alert.objects.get(county_code=code)
    records["exit_case"] = ExitCase.objects.get(county_code=code)
    records["problem"] = Problem.objects.filter(county_code=code).order_by("pk")[0]
    records["negative_rule"] = NegativeRule.objects.filter(county_code=code).order_by("pk")[0]
    records["question"] = records["survey"].questions.order_by("pk")[0]
    records["import_job"] = ImportJob.objects.create(
        county_code=code,
        created_by=supervisor,
        filename=f"{code}-enterprises.xlsx",
        sha256="0" * 64,
        content=b"",
    )
    with transaction.atomic():
        records["api_token"], _raw = issue_api_token(supervisor, f"{code} 对接")


def _city_users() -> dict:
    gov = dict(county_code=CITY, kind=OrganisationKind.GOVERNMENT)
    bureau = OrganisationFactory(**gov, name="宁波市司法局", is_judicial_bureau=True)
    watchdog = OrganisationFactory(**gov, name="宁波市经信局", is_oversight=True)
    return {
        Role.SUPERVISOR.value: UserFactory(
            username=f"supervisor_{CITY}", role=Role.SUPERVISOR, organisation=bureau
        ),
        Role.OVERSIGHT.value: UserFactory(
            username=f"oversight_{CITY}", role=Role.OVERSIGHT, organisation=watchdog
        ),
    }


def city_world(django_db_blocker, tmp_path_factory, snapshot) -> CityWorld:
    """Generator body of a module fixture: HERE, `snapshot(here)` of what its users see, THERE
    and the city; rolled back after the module's last test."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            city = DivisionFactory(
                code=CITY, name="宁波市", level=DivisionLevel.CITY, county_code=CITY
            )
            here = build_rich_county(HERE, "慈溪市")
            Division.objects.filter(code=HERE).update(parent=city)
            _worker_runs(1)
            _complete(here)
            before = snapshot(here)
            there = build_rich_county(THERE, "余姚市")
            _worker_runs(1)
            _complete(there)
            Division.objects.filter(code=THERE).update(parent=city)
            yield CityWorld(here, there, _city_users(), before)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _db_in_world(db):
    """Every test of these modules runs in a savepoint of the module's world."""


__all__ = [
    "CITY_ROLES",
    "COUNTY_ROLES",
    "MISSING",
    "CityWorld",
    "body_text",
    "city_world",
    "client_for",
    "leaks",
    "normalised",
]
