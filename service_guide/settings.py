"""Service-guide settings: which 办事指南 catalogue the service loads."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from core.settings import Settings, env, in_home, package_file

#: Where ``make train`` writes each catalogue's ranker (relative to the project home, where the service runs).
RANKER_DIR = Path("models") / "catalogue" / "rankers"


def ranker_path(catalogue_file: Path | str, directory: Path = RANKER_DIR) -> Path:
    """The artefact of the ranker trained on ``catalogue_file``: one per catalogue, named after its file."""
    return directory / f"{Path(catalogue_file).stem}.joblib"


class GuideSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="GUIDE_")

    # The hand-written YAML, or an official .jsonl export (same data model).
    catalogue_file: Path = Field(default=package_file("service_guide", "data", "qingshan_catalogue.yml"),
                                 validation_alias=env("GUIDE_CATALOGUE_FILE", "ROUTER_CATALOGUE_FILE"))
    # The search's learned vocabulary (`make run` builds it); the search works without it, on the catalogue's words.
    catalogue_vocabulary: Path = Field(default_factory=lambda: in_home("models", "catalogue", "vocabulary.npz"),
                                       validation_alias=env("GUIDE_CATALOGUE_VOCABULARY"))
    # The search's learned ranker and not-found decision (`make train` builds one per catalogue); unset, the one
    # trained on catalogue_file (ranker_file); without it, the blend's order.
    catalogue_ranker: Path | None = Field(default=None, validation_alias=env("GUIDE_CATALOGUE_RANKER"))

    @property
    def ranker_file(self) -> Path:
        """The ranker the service loads: the one set, else the one `make train` built from the catalogue served."""
        return self.catalogue_ranker or in_home(*ranker_path(self.catalogue_file).parts)
