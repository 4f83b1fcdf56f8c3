"""Settings of the learned dispatch model: where its versions and reports live, and the data it learns from."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from core.settings import Settings, in_home


class DepartmentSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="DEPARTMENTS_")

    # Model registry (see classifier.registry) of the dispatch model.
    model_dir: Path = Field(default_factory=lambda: in_home("models", "departments"))
    report_dir: Path = Field(default_factory=lambda: in_home("reports"))
    # Replied messages it learns from: the earlier part trains, the later part (holdout) is the frozen
    # comparison split of retraining. The real file is ../shared/data/replied_messages.csv.
    replies_file: Path = Field(default_factory=lambda: in_home("sample_data", "replied_messages.csv"))
    holdout: float = 0.2
