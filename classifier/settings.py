"""Classifier settings: where the category and work-order type models live, the taxonomy, reports."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from core.settings import Settings, env, in_home


def _sample_taxonomy() -> Path | None:
    """The project's sample taxonomy when the home holds it (not in an installed package run elsewhere)."""
    path = in_home("sample_data", "taxonomy.csv")
    return path if path.exists() else None


class ClassifierSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="CLASSIFIER_")

    # Model registries (see classifier.registry): the first-level category model and the work-order type model.
    model_dir: Path = Field(default_factory=lambda: in_home("models", "classifier"),
                            validation_alias=env("CLASSIFIER_MODEL_DIR", "ROUTER_MODEL_DIR"))
    type_model_dir: Path = Field(default_factory=lambda: in_home("models", "ticket_type"),
                                 validation_alias=env("CLASSIFIER_TYPE_MODEL_DIR", "ROUTER_TYPE_MODEL_DIR"))
    # The 3-level category system for the level 2–3 candidates (附件1; the real one is ../shared/data/taxonomy.csv).
    # Without one, orders carry no level 2–3 candidates.
    taxonomy_path: Path | None = Field(default_factory=_sample_taxonomy)
    report_dir: Path = Field(default_factory=lambda: in_home("reports"))
    n_jobs: int = 2
