"""Settings assembly and start-up: each package's state built from its own settings, lowest layer first."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.datastructures import State

from analytics.service import Analytics
from analytics.settings import AnalyticsSettings
from classifier.holder import ModelHolder
from classifier.settings import ClassifierSettings
from classifier.taxonomy import Taxonomy
from core.auth import InsecureConfiguration, UserDirectory, refuse_demo_users
from core.db import make_engine, make_session_factory, upgrade_database
from core.settings import (
    DEMO_RASA_TOKEN,
    AuthSettings,
    BotSettings,
    DatabaseSettings,
    DeploymentSettings,
    RedisSettings,
    Settings,
)
from core.throttle import Throttle
from learning import feedback
from learning.context import LearningContext
from learning.retrain import fail_stale_jobs
from learning.settings import BotTrainingSettings, LearningSettings
from routing.context import RouterContext
from routing.departments.settings import DepartmentSettings
from routing.settings import RouterSettings
from service_guide.api import Guide
from service_guide.settings import GuideSettings
from wechat.settings import WechatSettings


class ServerSettings(Settings):
    """How the service itself runs."""

    model_config = SettingsConfigDict(env_prefix="SERVER_")

    # Send each response's stage timings (core.timing) in a Server-Timing header: the service benchmark
    # reads them. Off in service: it tells any caller how long each stage of a request took.
    timing: bool = False
    # Worker threads per process for the (sync) handlers; the rest wait in line. The work is CPU-bound
    # under one GIL: a few threads cover the database waits, and more (anyio's default is 40) only take
    # the GIL from each other and from the event loop. Keep DATABASE_POOL_SIZE at least this plus background jobs.
    threads: int = Field(default=8, ge=1)
    # uvicorn worker processes for ``python -m server`` (one per core).
    workers: int = Field(default=1, ge=1)


@dataclass
class AppSettings:
    """Every package's settings, one object per concern; each reads its own environment variables."""

    deployment: DeploymentSettings = field(default_factory=DeploymentSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    bot: BotSettings = field(default_factory=BotSettings)
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)
    guide: GuideSettings = field(default_factory=GuideSettings)
    router: RouterSettings = field(default_factory=RouterSettings)
    departments: DepartmentSettings = field(default_factory=DepartmentSettings)
    learning: LearningSettings = field(default_factory=LearningSettings)
    bot_training: BotTrainingSettings = field(default_factory=BotTrainingSettings)
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)
    wechat: WechatSettings = field(default_factory=WechatSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    server: ServerSettings = field(default_factory=ServerSettings)


@dataclass
class AppContext:
    """Everything the service loads once at start-up, validated."""

    settings: AppSettings
    engine: Engine
    sessions: sessionmaker
    users: UserDirectory
    models: ModelHolder
    guide: Guide
    router: RouterContext
    learning: LearningContext
    analytics: Analytics
    auth_throttle: Throttle

    @classmethod
    def build(cls, settings: AppSettings) -> AppContext:
        """Load and validate configuration, migrate the database, load the current models.

        A broken catalogue entry or routing table stops start-up here, naming what is wrong,
        before the database is touched.
        """
        users = UserDirectory.from_file(settings.auth.users_file)
        check_deployment(settings, users)
        guide = Guide.build(settings.guide)
        taxonomy_path = settings.classifier.taxonomy_path
        taxonomy = Taxonomy.from_file(taxonomy_path) if taxonomy_path else None
        models = ModelHolder.open(settings.classifier.model_dir)
        types = ModelHolder.open(settings.classifier.type_model_dir)
        departments = ModelHolder.open(settings.departments.model_dir)
        analytics = Analytics(settings.analytics, settings.router.gazetteer)
        router = RouterContext.build(settings.router, models, types, taxonomy, record_correction=feedback.record,
                                     departments=departments, guide=guide, check_reply=analytics.check_reply,
                                     redis_url=settings.redis.url)
        engine = make_engine(settings.database.url, pool_size=settings.database.pool_size)
        upgrade_database(engine)
        sessions = make_session_factory(engine)
        fail_stale_jobs(sessions, settings.learning.stale_job_seconds)
        analytics.start(sessions, settings.database.url, now=router.clock())
        return cls(settings=settings, engine=engine, sessions=sessions, users=users, models=models, guide=guide,
                   router=router, learning=LearningContext(settings.learning, sessions, models, router.table,
                                                           departments=departments,
                                                           department_settings=settings.departments,
                                                           table_units=router.table_units,
                                                           bot=settings.bot_training, bot_server=settings.bot),
                   analytics=analytics,
                   auth_throttle=Throttle("auth-failures", settings.auth.max_failures,
                                          settings.auth.failure_window_seconds, redis_url=settings.redis.url))

    def close(self) -> None:
        """At shutdown: this worker's analysis process, then the database connections."""
        self.analytics.close()
        self.engine.dispose()

    def install(self, state: State) -> None:
        """Put each package's state where its dependencies read it (``core.deps``, each ``api/deps``)."""
        state.sessions = self.sessions
        state.users = self.users
        state.models = self.models
        state.guide = self.guide
        state.router = self.router
        state.learning = self.learning
        state.analytics = self.analytics
        state.auth_throttle = self.auth_throttle


def check_deployment(settings: AppSettings, users: UserDirectory) -> None:
    """Outside ``ENVIRONMENT=local``, refuse to start with the public demo users or default secrets."""
    environment = settings.deployment.environment
    problems = refuse_demo_users(environment, settings.auth.users_file, users)
    if environment != "local" and settings.bot.auth_token == DEMO_RASA_TOKEN:
        problems.append("BOT_AUTH_TOKEN 未设置，仍是演示值 / BOT_AUTH_TOKEN is unset (the demo default)")
    if problems:
        listed = "; ".join(problems)
        raise InsecureConfiguration(f"ENVIRONMENT={environment} 时拒绝启动：{listed}",
                                    f"refusing to start with ENVIRONMENT={environment}: {listed}")
