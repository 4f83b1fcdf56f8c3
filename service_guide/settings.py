"""Service-guide settings: which 办事指南 catalogue the service loads."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from core.settings import Settings, env, in_home, package_file


class GuideSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="GUIDE_")

    # The hand-written YAML, or an official .jsonl export (same data model).
    catalogue_file: Path = Field(default=package_file("service_guide", "data", "qingshan_catalogue.yml"),
                                 validation_alias=env("GUIDE_CATALOGUE_FILE", "ROUTER_CATALOGUE_FILE"))
    # The search's learned vocabulary (`make run` builds it); the search works without it, on the catalogue's words.
    catalogue_vocabulary: Path = Field(default_factory=lambda: in_home("models", "catalogue", "vocabulary.npz"),
                                       validation_alias=env("GUIDE_CATALOGUE_VOCABULARY"))
    # The search's learned ranker and not-found decision (`make train` builds it); without it, the blend's order.
    catalogue_ranker: Path = Field(default_factory=lambda: in_home("models", "catalogue", "ranker.joblib"),
                                   validation_alias=env("GUIDE_CATALOGUE_RANKER"))
