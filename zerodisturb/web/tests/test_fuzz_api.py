"""API fuzzing: schemathesis generates requests from /api/openapi.json and sends them in-process
(WSGI) as a county supervisor and as an enterprise contact, over a county that has a row of every
kind (zerodisturb/testing/fuzzing.py). No answer may be a server error, and every answer must be
documented: its status code, content type and body as the schema says.

Each operation gets a bounded, derandomized set of examples; every example runs in a savepoint
rolled back afterwards, so each one sees the same county. Path ids are tried twice: as generated
(mostly records that do not exist) and as the id of the real row, so bodies are fuzzed against
detail and action endpoints that find their record.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from zerodisturb.accounts.services import issue_api_token
from zerodisturb.testing.fuzzing import build_fuzz_world

ROLES = ("supervisor", "enterprise")
EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(params=ROLES)
def fuzz_session(request, db, settings, tmp_path):
    """The county, and the Authorization header of one role's API token."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_fuzz_world()
    _token, raw = issue_api_token(world.county.users[request.param], "fuzz")
    # The WSGI handler closes "obsolete" connections when a request starts and ends; inside the
    # test's transaction that would close it. Django's own test client disconnects it likewise.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield world, {"Authorization": f"Bearer {raw}"}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _call_and_check(case, headers) -> None:
    cache.clear()  # rate-limit windows of one example must not answer the next one with 429
    with transaction.atomic():
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            transaction.set_rollback(True)


def _fuzz(operation, world, headers) -> None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def answers_as_documented(case):
        _call_and_check(case, headers)
        real = {
            name: world.path_ids[name]
            for name in (case.path_parameters or {})
            if name in world.path_ids
        }
        if real:
            case.path_parameters = {**case.path_parameters, **real}
            _call_and_check(case, headers)

    answers_as_documented()


def test_api_answers_as_documented(fuzz_session, subtests):
    world, headers = fuzz_session
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 90
    for operation in operations:
        with subtests.test(msg=operation.label):
            _fuzz(operation, world, headers)


# Regressions of what the fuzzer found (kept as quick tests of their own).


def _api_schemas(cls=None):
    from ninja import Schema

    for sub in (cls or Schema).__subclasses__():
        if sub.__module__.startswith("zerodisturb."):
            yield sub
        yield from _api_schemas(sub)


def test_schemas_of_one_name_have_one_shape():
    """The OpenAPI document keys schemas by class name: two different schemas of one name made
    /evaluations/figures documented with the scorecards' FiguresOut (and similar for AnswerIn,
    AmendIn)."""
    shapes: dict[str, dict] = {}
    for cls in _api_schemas():
        shape = cls.model_json_schema()
        assert shapes.setdefault(cls.__name__, shape) == shape, cls


def test_every_operation_documents_the_common_errors(client):
    document = client.get("/api/openapi.json", HTTP_HOST="localhost").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"403", "404", "422", "429"} <= documented, (method, path)
            assert ("401" in documented) == bool(operation.get("security")), (method, path)


@pytest.mark.django_db
def test_an_unknown_api_path_answers_json_404(client):
    for path in ("/api/v1/complaints/-681", "/api/v1/no-such-thing"):
        response = client.get(path, HTTP_HOST="localhost")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_nul_character_in_the_input_is_refused_not_a_server_error(county, api_as):
    """PostgreSQL cannot store or compare text with NUL; the fuzzer sent one to /surveys/…/send."""
    from zerodisturb.surveys.services import add_question, create_survey

    supervisor = county.users["supervisor"]
    survey = create_survey(supervisor, title="调研")
    add_question(supervisor, survey, kind="satisfaction", text="总体评价")
    response = api_as("supervisor").post(
        f"/api/v1/surveys/{survey.pk}/send",
        {"localities": ["a\x00b"], "sectors": []},
        content_type="application/json",
        HTTP_HOST="localhost",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
