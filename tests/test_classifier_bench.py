"""The classifier benchmark on the sample data (correctness of its output only, no timing)."""

import json

from classifier import bench
from tests.conftest import SAMPLE


def test_benchmark_reports_accuracy_calibration_and_each_stage(capsys):
    code = bench.main(["--train", str(SAMPLE / "messages_train.csv"), "--test", str(SAMPLE / "messages_test.csv"),
                       "--jobs", "1", "--batch-repeat", "1", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["n_test"] == 50 and 0 <= result["ece"] <= 1
    assert set(result["stage_ms"]) == {"normalise_mask", "segment", "vectorise", "predict"}
    assert all(stage["p99"] >= stage["p50"] >= 0 for stage in result["stage_ms"].values())
    assert result["load_avg"]["cpus"] >= 1
