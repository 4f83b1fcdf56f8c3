"""Retraining settings: base data plus approved feedback, judged on a frozen test file never trained on."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from core.settings import Settings, env, in_home


class LearningSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="LEARNING_")

    base_training_files: list[Path] = Field(
        default_factory=lambda: [in_home("sample_data", "messages_train.csv")],
        validation_alias=env("LEARNING_BASE_TRAINING_FILES", "ROUTER_BASE_TRAINING_FILES"))
    frozen_test_file: Path = Field(default_factory=lambda: in_home("sample_data", "messages_test.csv"),
                                   validation_alias=env("LEARNING_FROZEN_TEST_FILE", "ROUTER_FROZEN_TEST_FILE"))
    # A candidate is promoted when its macro-F1 is at least the current model's minus this.
    promote_tolerance: float = Field(default=0.0,
                                     validation_alias=env("LEARNING_PROMOTE_TOLERANCE", "ROUTER_PROMOTE_TOLERANCE"))
    retrain_n_jobs: int = Field(default=1, validation_alias=env("LEARNING_RETRAIN_N_JOBS", "ROUTER_RETRAIN_N_JOBS"))
    # A queued or running job that has shown no sign of life for this long (its worker died) is ended as failed.
    stale_job_seconds: float = Field(default=120.0, gt=0)
