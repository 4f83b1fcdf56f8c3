"""The router benchmark harness against a really started service (correctness only, no timing)."""

import pytest

from server import bench
from tests.helpers import SAMPLE


@pytest.mark.slow
def test_benchmark_runs_the_service_and_loses_no_ticket(monkeypatch, model_registry, type_registry):
    monkeypatch.setenv("CLASSIFIER_MODEL_DIR", str(model_registry.root))
    monkeypatch.setenv("CLASSIFIER_TYPE_MODEL_DIR", str(type_registry.root))
    result = bench.run(SAMPLE / "messages_test.csv", rate=10, seconds=2, read_share=0.5, workers=1)
    assert result["requests"] == 20
    assert result["errors"] == 0 and result["lost_tickets"] == 0
    assert result["tickets_stored"] >= 10
