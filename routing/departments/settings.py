"""Settings of the learned dispatch model: where its versions and reports live."""

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
