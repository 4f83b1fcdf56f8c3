"""The nested cross-validation that chooses the served model and calibration, on the sample (no timing)."""

import json

from classifier import experiment
from tests.conftest import SAMPLE


def test_every_variant_is_scored_on_held_out_training_folds_including_the_one_served(capsys):
    code = experiment.main(["--train", str(SAMPLE / "messages_train.csv"), "--repeats", "1", "--jobs", "1", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["n_raw"] == result["n"] > 0
    assert {"full+top_label", "average+top_label", "average+matrix", "holdout+top_label"} <= set(result["variants"])
    for figures in result["variants"].values():
        for part in ("all", "raw"):
            assert 0 < figures[part]["macro_f1"]["mean"] <= 1
            assert 0 <= figures[part]["ece"]["mean"] <= 1
