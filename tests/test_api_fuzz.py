"""Schemathesis on every operation of the API, for every role, on SQLite and PostgreSQL.

Each operation gets a bounded number of generated requests (valid and invalid ones) signed in as each role
and anonymously, on a database with orders of two units in it; the requests are generated once per session and
the same ones are sent for every role and database. Every answer must be below 500, have a
status the OpenAPI schema documents and a body that matches the schema documented for that status.
The counts per role are written to ``test-artifacts/schemathesis-<database>-<role>.json``.
``FUZZ_EXAMPLES`` sets the number of generated requests per operation and mode (default 5).
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.helpers import ARTIFACTS, TOKENS, auth, intake

pytestmark = pytest.mark.slow  # seconds per role and database once generated (the first test generates): full tier

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
ROLES = ["anonymous", *TOKENS]
CHECKS = {"server_error": not_a_server_error, "schema_violation": response_schema_conformance,
          "undocumented_status": status_code_conformance}
# Operations whose generated requests would start real work in the background (a retraining job per request).
SLOW_OPERATIONS = {"POST /api/models/retrain", "POST /api/analysis/rebuild"}
#: (operation, request, case) generated once, in the first test (see ``_generated``).
GENERATED: list[tuple[str, dict, Case]] = []


def _seed(client) -> None:
    """Orders of two units and one waiting for dispatch, so ids 1–3 exist and belong to someone."""
    for department, text in (("zjj", "青山区某小区门口施工噪音扰民，晚上十一点还在打桩"),
                             ("cgj", "人民路120号门前占道经营，行人无法通行")):
        order = intake(client, text=text)
        response = client.post(f"/api/tickets/{order['id']}/dispatch", json={"department": department},
                               headers=auth("operator"))
        assert response.status_code == 200, response.text
    intake(client, text="青山区幸福社区路灯坏了一个月没人修")


def _generated(client) -> list[tuple[str, dict, Case]]:
    """Every operation's generated requests, valid and invalid: (operation, request, case).

    Generated once per session (derandomized, so every role and database gets the very same requests) and
    replayed for each: generating them costs far more than sending them."""
    if not GENERATED:
        schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for case in _examples(operation.as_strategy(generation_mode=mode)):
                    request = case.as_transport_kwargs(base_url="http://testserver")
                    request.pop("cookies", None)
                    request["headers"].pop("Authorization", None)  # the role's token, not a generated one
                    if isinstance(request.get("data"), bytes | str):
                        request["content"] = request.pop("data")
                    GENERATED.append((f"{operation.method.upper()} {operation.path}", request, case))
    return GENERATED


def _examples(strategy) -> list[Case]:
    """The strategy's first ``EXAMPLES`` cases, always the same ones."""
    found: list[Case] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=["explicit", "generate"])
    @given(case=strategy)
    def collect(case) -> None:
        found.append(case)

    try:
        collect()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        pass
    return found


def _fuzz(client, role: str) -> tuple[Counter, list[str]]:
    """Send every generated request as ``role``; counts of failures by check, and a few examples of each."""
    headers = {} if role == "anonymous" else auth(role)
    counts: Counter = Counter()
    samples: list[str] = []
    for name, request, case in _generated(client):
        if name in SLOW_OPERATIONS and role not in ("anonymous", "bot"):
            continue
        response = client.request(**{**request, "headers": {**request["headers"], **headers}})
        try:
            case.validate_response(response, checks=list(CHECKS.values()))
        except (FailureGroup, Failure) as error:
            failures = error.exceptions if isinstance(error, FailureGroup) else [error]
            for failure in failures:
                kind = _kind(failure)
                counts[kind] += 1
                if sum(s.startswith(kind) for s in samples) < 5:
                    samples.append(f"{kind}: {case.operation.method.upper()} {case.formatted_path} "
                                   f"-> {response.status_code} {failure.title}")
    return counts, samples


def _kind(failure: Failure) -> str:
    name = type(failure).__name__
    if name == "ServerError":
        return "server_error"
    if name == "UndefinedStatusCode":
        return "undocumented_status"
    return "schema_violation"


@pytest.fixture
def app_settings(app_settings):
    """The service with its WeChat channel on (without a token it answers 503, by design)."""
    from wechat.settings import WechatSettings

    app_settings.wechat = WechatSettings(token="fuzz-wechat-token")
    return app_settings


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_fails_or_breaks_its_schema(client, database_url, role):
    _seed(client)
    client = TestClient(client.app, raise_server_exceptions=False)  # an exception is a 500, counted, not raised
    counts, samples = _fuzz(client, role)
    database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"schemathesis-{database}-{role}.json").write_text(
        json.dumps({"examples": EXAMPLES, **{k: counts.get(k, 0) for k in CHECKS}, "samples": samples},
                   ensure_ascii=False, indent=1), encoding="utf-8")
    assert not counts, "\n".join(samples)
