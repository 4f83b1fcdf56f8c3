"""The router benchmark harness against a really started service (correctness only, no timing)."""

import pytest

from server import bench
from tests.helpers import SAMPLE, auth

STREETLIGHT = {"text": "青山区河西街道翠竹园门口的路灯坏了一个月", "channel": "电话"}


@pytest.mark.slow
def test_benchmark_runs_the_service_and_loses_no_ticket(monkeypatch, model_registry, type_registry):
    monkeypatch.setenv("CLASSIFIER_MODEL_DIR", str(model_registry.root))
    monkeypatch.setenv("CLASSIFIER_TYPE_MODEL_DIR", str(type_registry.root))
    result = bench.run(SAMPLE / "messages_test.csv", rate=10, seconds=2, read_share=0.5, workers=1)
    assert result["requests"] == 20
    assert result["errors"] == 0 and result["lost_tickets"] == 0
    assert result["tickets_stored"] >= 10


def test_server_timing_header_parses_back_into_stages():
    stages = bench.parse_server_timing("parse;dur=1.500, classify;dur=3.250;cpu=3.000, total;dur=9.000")
    assert stages == {"parse": (1.5, None), "classify": (3.25, 3.0), "total": (9.0, None)}


def test_an_intake_reports_its_stages_when_timing_is_on(app_context):
    from fastapi.testclient import TestClient

    from server.app import create_app
    from server.context import ServerSettings

    app_context.settings.server = ServerSettings(timing=True)
    with TestClient(create_app(context=app_context)) as client:
        response = client.post("/api/tickets", json=STREETLIGHT, headers=auth("operator"))
    stages = bench.parse_server_timing(response.headers["server-timing"])
    assert {"parse", "classify", "dispatch", "database", "response", "total"} <= stages.keys()
    assert stages["classify"][1] is not None  # CPU measured in the handler's thread


def test_no_timing_header_unless_asked_for(client):
    response = client.post("/api/tickets", json=STREETLIGHT, headers=auth("operator"))
    assert response.status_code == 201 and "server-timing" not in response.headers


@pytest.mark.slow
def test_the_chaos_benchmark_counts_orders_acknowledged_and_stored_across_a_worker_kill(model_registry):
    """A smoke run of `python -m server.chaos`'s first scenario (a few seconds of load, one worker killed)."""
    from classifier.dataset import load_examples
    from server.chaos import worker_kill

    texts = [e.text for e in load_examples(SAMPLE / "messages_train.csv")]
    result = worker_kill(texts, model_registry.root, rate=5, seconds=6)
    assert result["killed_worker"] is not None and result["sent"] == 30
    assert result["stored"] >= result["acknowledged"] > 0 and result["lost"] == 0
