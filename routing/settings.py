"""Router service settings, from the environment (prefix ``ROUTER_``) or ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = Path(__file__).resolve().parent / "config"


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROUTER_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'router.db'}"
    model_dir: Path = PROJECT_ROOT / "models" / "classifier"
    type_model_dir: Path = PROJECT_ROOT / "models" / "ticket_type"
    routing_table: Path = CONFIG_DIR / "routing_table.yml"
    gazetteer: Path = CONFIG_DIR / "gazetteer.yml"
    sla_table: Path = CONFIG_DIR / "sla.yml"
    users_file: Path = CONFIG_DIR / "users.yml"
    # 办事指南: the hand-written YAML, or an official .jsonl export (same data model).
    catalogue_file: Path = PROJECT_ROOT / "service_guide" / "data" / "qingshan_catalogue.yml"
    # The Rasa server as the citizen's browser reaches it (REST webhook; run Rasa with --cors).
    bot_url: str = "http://127.0.0.1:5005"
    auto_dispatch_threshold: float = 0.8
    max_text_chars: int = 20000
    db_pool_size: int = 20
    # Retraining: base data plus approved feedback, judged on a frozen test file never trained on.
    base_training_files: list[Path] = [PROJECT_ROOT / "sample_data" / "messages_train.csv"]
    frozen_test_file: Path = PROJECT_ROOT / "sample_data" / "messages_test.csv"
    promote_tolerance: float = 0.0
    retrain_n_jobs: int = 1
