"""Classifier settings, from the environment (prefix ``CLASSIFIER_``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ClassifierSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLASSIFIER_", env_file=".env", extra="ignore")

    model_dir: Path = PROJECT_ROOT / "models" / "classifier"
    taxonomy_path: Path = PROJECT_ROOT / "sample_data" / "taxonomy.csv"
    report_dir: Path = PROJECT_ROOT / "reports"
    n_jobs: int = 2
