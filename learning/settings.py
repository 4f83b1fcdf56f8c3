"""Retraining settings: base data plus approved feedback, judged on a frozen test file never trained on."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from core.settings import Settings, env, home, in_home


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


class BotTrainingSettings(Settings):
    """The citizen bot's learning loop: where reviewed examples go and how the bot is retrained.

    Paths of the bot project (config, domain, data, test sets) are relative to ``project_dir``; the
    retrain job runs the bot environment's ``rasa`` there and hands the Rasa server (``BOT_URL``)
    the new model through its HTTP API."""

    model_config = SettingsConfigDict(env_prefix="BOT_TRAIN_")

    project_dir: Path = Field(default_factory=home)
    rasa: Path = Field(default_factory=lambda: in_home(".venv-bot", "bin", "rasa"))
    # Approved examples of the 对话 review, in Rasa's NLU YAML (rewritten from the database on every decision).
    reviewed_file: Path = Field(default_factory=lambda: in_home("nlu_data", "reviewed.yml"))
    config: Path = Path("config.yml")
    domain: Path = Path("bot/domain.yml")
    data: list[Path] = Field(default_factory=lambda: [Path("nlu_data"), Path("bot/data")])
    nlu_test: Path = Path("bot/tests/nlu_test.yml")
    stories_test: Path = Path("bot/tests/test_stories.yml")
    # The model the Rasa server runs (`make serve` starts it with this file); the previous one is kept beside it.
    model_dir: Path = Field(default_factory=lambda: in_home("bot", "models"))
    model_name: str = "citizen-bot"
    # A candidate replaces the running model when none of its figures is below the current model's minus this.
    tolerance: float = 0.0
    # Longest a rasa command may run (training the full bot takes minutes on two cores).
    command_timeout: int = 3600

    def path(self, relative: Path) -> Path:
        """A bot project path (absolute paths are kept as they are)."""
        return relative if relative.is_absolute() else self.project_dir / relative
