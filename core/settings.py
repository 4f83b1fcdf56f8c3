"""The settings base: how every package's settings read the environment, and where state lives.

Each package has one settings class for its own concern (``ClassifierSettings``, ``RouterSettings``,
…), derived from ``Settings``: values come from the environment or a ``.env`` file in the working
directory, each value from one variable (older names are accepted as aliases; README lists them all).

State — trained models, the work-order database, reports — lives under the project home:
``GOV_ASSISTANT_HOME`` if set, else the working directory (``make run`` runs from the project
root). Files shipped inside a package (configuration, migrations) are found with
``importlib.resources``, so a non-editable install works too.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

HOME_VARIABLE = "GOV_ASSISTANT_HOME"
#: Rasa's HTTP API token when none is configured: for a local demo only (refused outside ``local``).
DEMO_RASA_TOKEN = "demo-rasa-token"


def home() -> Path:
    """The folder that holds ``models/``, ``data/``, ``reports/`` and ``sample_data/``."""
    return Path(os.environ.get(HOME_VARIABLE) or Path.cwd()).resolve()


def in_home(*parts: str) -> Path:
    return home().joinpath(*parts)


def package_file(package: str, *parts: str) -> Path:
    """A file shipped inside ``package`` (e.g. ``package_file("routing", "config", "sla.yml")``)."""
    return Path(str(resources.files(package).joinpath(*parts)))


def env(*names: str) -> AliasChoices:
    """The environment variables a setting is read from: its name first, then accepted older names."""
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Base of every package's settings: environment, then ``.env``, then the default."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)


class DeploymentSettings(Settings):
    """Where the service runs. Outside ``local`` start-up refuses the demo users and default secrets."""

    environment: Literal["local", "staging", "production"] = Field(default="local",
                                                                    validation_alias=env("ENVIRONMENT"))


class DatabaseSettings(Settings):
    """The one database of work orders, events, handoffs, candidate labels and retraining jobs."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_")

    # SQLite (WAL) by default; PostgreSQL with postgresql+psycopg://user@host/db.
    url: str = Field(default_factory=lambda: f"sqlite:///{in_home('data', 'router.db')}",
                     validation_alias=env("DATABASE_URL", "ROUTER_DATABASE_URL"))
    pool_size: int = Field(default=20, validation_alias=env("DATABASE_POOL_SIZE", "ROUTER_DB_POOL_SIZE"))


class BotSettings(Settings):
    """Where the Rasa server is: the web chat (in the citizen's browser) and the WeChat channel call it."""

    model_config = SettingsConfigDict(env_prefix="BOT_")

    url: str = Field(default="http://127.0.0.1:5005",
                     validation_alias=env("BOT_URL", "ROUTER_BOT_URL", "WECHAT_BOT_URL"))
    # Rasa's HTTP API (trackers, models) answers only with this token (`rasa run --auth-token`);
    # the REST webhook the chat uses is not behind it. The default is for local use only.
    auth_token: str = Field(default=DEMO_RASA_TOKEN, validation_alias=env("BOT_AUTH_TOKEN"))


class AuthSettings(Settings):
    """Who may call the API: bearer-token users with roles (demo users ship with the project)."""

    model_config = SettingsConfigDict(env_prefix="AUTH_")

    users_file: Path = Field(default_factory=lambda: package_file("core", "config", "users.yml"),
                             validation_alias=env("AUTH_USERS_FILE", "ROUTER_USERS_FILE"))
    # Failed sign-ins (wrong or expired tokens) one client address may make per window before a 429.
    max_failures: int = Field(default=20, ge=1)
    failure_window_seconds: float = Field(default=60.0, gt=0)


class RedisSettings(Settings):
    """Redis, when configured: state several workers must share (throttles, the WeChat ledger). Unset: kept in
    each process."""

    url: str | None = Field(default=None, validation_alias=env("REDIS_URL"))


class DisplaySettings(Settings):
    """How times are shown: every API answer gives its times with this zone's offset."""

    model_config = SettingsConfigDict(env_prefix="DISPLAY_")

    timezone: str = "Asia/Shanghai"
