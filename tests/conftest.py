"""Shared fixtures: the project's sample data, one classifier trained on it per session, the service
built on a fresh database, and a browser. Plain helper functions are in tests/helpers.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from classifier.dataset import Example, load_examples
from classifier.model import ComplaintClassifier
from classifier.registry import ModelRegistry
from tests.helpers import CHROMIUM, ROOT, SAMPLE, FakeClock, head_revision

# Tests build many services in one process: each joins new orders itself when its analysis is read
# (the analysis process has its own tests, and the service benchmark runs it).
os.environ.setdefault("ANALYTICS_SEPARATE_PROCESS", "false")


@pytest.fixture(scope="session")
def sample_train() -> list[Example]:
    return load_examples(SAMPLE / "messages_train.csv")


@pytest.fixture(scope="session")
def sample_test() -> list[Example]:
    return load_examples(SAMPLE / "messages_test.csv")


@pytest.fixture(scope="session")
def trained_model(sample_train: list[Example]) -> ComplaintClassifier:
    """Trained once: fitting takes a few seconds even on the sample."""
    model = ComplaintClassifier(min_df=1, calibration_folds=3)
    return model.fit([e.text for e in sample_train], [e.label for e in sample_train])


# ---- the main service -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_registry(tmp_path_factory, trained_model) -> ModelRegistry:
    registry = ModelRegistry(tmp_path_factory.mktemp("models"))
    registry.promote(registry.save(trained_model, {"note": "sample"}))
    return registry


@pytest.fixture(scope="session")
def type_registry(tmp_path_factory) -> ModelRegistry:
    """The work-order type model, trained once on the hand-written typed sample."""
    from classifier.ticket_type import TicketTypeClassifier, load_typed_orders

    examples = load_typed_orders(SAMPLE / "work_orders_typed.csv")
    model = TicketTypeClassifier().fit([e.text for e in examples], [e.label for e in examples])
    registry = ModelRegistry(tmp_path_factory.mktemp("types"))
    registry.promote(registry.save(model, {"note": "sample"}))
    return registry


@pytest.fixture(scope="session")
def department_registry(tmp_path_factory) -> ModelRegistry:
    """The dispatch model (routing.departments), trained once on the earlier sample replies."""
    from routing.departments.data import load_replied, time_split
    from routing.departments.training import fit_model

    earlier, _ = time_split(load_replied(SAMPLE / "replied_messages.csv"))
    model = fit_model(earlier, {"calibration_folds": 3, "threshold_folds": 3})
    registry = ModelRegistry(tmp_path_factory.mktemp("departments"))
    registry.promote(registry.save(model, {"note": "sample", "trained_until": earlier[-1].time.isoformat()}))
    return registry


def _database_urls() -> list[str]:
    urls = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append("postgresql")
    return urls


def _drop_everything(url: str) -> None:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=_database_urls())
def empty_database_url(request, tmp_path) -> str:
    """A database without a single table, for the tests of the migrations themselves."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'router.db'}"
    url = os.environ["TEST_DATABASE_URL"]
    _drop_everything(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated to head once per session; each test gets a copy instead of migrating anew."""
    from core.db import make_engine, upgrade_database

    path = tmp_path_factory.mktemp("template") / "router.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return path


def _emptied_postgresql(url: str) -> None:
    """``url``'s database at the head schema with no rows and ids from 1: truncated when it is at head already
    (a few milliseconds), else dropped and migrated (a second or more)."""
    from sqlalchemy import MetaData, create_engine, text

    from core.db import make_engine, upgrade_database

    engine = create_engine(url)
    try:
        existing = MetaData()
        existing.reflect(engine)
        with engine.connect() as connection:
            at = (connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
                  if "alembic_version" in existing.tables else [])
        if at == [head_revision()] and set(existing.tables) == _declared_tables():
            names = ", ".join(f'"{name}"' for name in existing.tables if name != "alembic_version")
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        existing.drop_all(engine)
    finally:
        engine.dispose()
    migrated = make_engine(url)
    upgrade_database(migrated)
    migrated.dispose()


def _declared_tables() -> set[str]:
    import learning.orm  # noqa: F401  (declares its tables; imports routing.orm, which declares the rest)
    from core.db import Base

    return {*Base.metadata.tables, "alembic_version"}


@pytest.fixture(params=_database_urls())
def database_url(request, tmp_path, migrated_sqlite) -> str:
    """An empty database at the head schema: SQLite a copy of the session's migrated file, PostgreSQL emptied."""
    if request.param == "sqlite":
        path = tmp_path / "router.db"
        shutil.copyfile(migrated_sqlite, path)
        return f"sqlite:///{path}"
    url = os.environ["TEST_DATABASE_URL"]
    _emptied_postgresql(url)
    return url


@pytest.fixture
def redis_url() -> str:
    """A Redis database the tests may wipe (TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/2); skipped without it."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def sample_vocabulary(tmp_path_factory) -> Path:
    """The catalogue search's vocabulary as `make run` builds it, from the sample catalogue and sample messages."""
    from service_guide.vocabulary import main as vocabulary_main

    out = tmp_path_factory.mktemp("vocabulary") / "vocabulary.npz"
    assert vocabulary_main(["build", "--catalogue", str(ROOT / "service_guide" / "data" / "qingshan_catalogue.yml"),
                            "--data", str(SAMPLE), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def sample_ranker(tmp_path_factory, sample_vocabulary) -> Path:
    """The catalogue search's ranker as `make train` builds it without the shared data: from the sample catalogue."""
    from service_guide.ranker import main as ranker_main

    out = tmp_path_factory.mktemp("ranker") / "ranker.joblib"
    assert ranker_main(["build", "--catalogue", str(ROOT / "service_guide" / "data" / "qingshan_catalogue.yml"),
                        "--vocabulary", str(sample_vocabulary), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def qingshan_search(sample_vocabulary, sample_ranker):
    from service_guide.loader import load_catalogue
    from service_guide.search import build_search

    return build_search(load_catalogue(ROOT / "service_guide" / "data" / "qingshan_catalogue.yml"), sample_vocabulary,
                        ranker=sample_ranker)


@pytest.fixture
def app_settings(database_url, model_registry, type_registry, tmp_path, sample_vocabulary, sample_ranker):
    """Settings of a service on its own database and its own copy of the registry (retraining promotes into it)."""
    from classifier.settings import ClassifierSettings
    from core.settings import DatabaseSettings
    from learning.settings import BotTrainingSettings
    from routing.departments.settings import DepartmentSettings
    from routing.settings import RouterSettings
    from server.context import AppSettings
    from service_guide.settings import GuideSettings

    model_dir = shutil.copytree(model_registry.root, tmp_path / "models")
    return AppSettings(database=DatabaseSettings(url=database_url),
                       classifier=ClassifierSettings(model_dir=model_dir, type_model_dir=type_registry.root),
                       guide=GuideSettings(catalogue_vocabulary=sample_vocabulary, catalogue_ranker=sample_ranker),
                       # operators dispatch unless a test lowers it
                       router=RouterSettings(auto_dispatch_threshold=1.01),
                       # no dispatch model until a test trains one; it learns from the sample replies
                       departments=DepartmentSettings(model_dir=tmp_path / "departments",
                                                      replies_file=SAMPLE / "replied_messages.csv"),
                       # the bot's reviewed examples go to the test's folder, never into nlu_data/
                       bot_training=BotTrainingSettings(project_dir=ROOT, reviewed_file=tmp_path / "reviewed.yml",
                                                        model_dir=tmp_path / "bot-models"))


@pytest.fixture(scope="session")
def loaded_once() -> dict:
    """What services of one session may share because nothing changes it once loaded: each catalogue with its
    search, each model file's fitted estimator (keyed by the files' contents, so a changed file loads anew)."""
    return {}


def _file_key(path: Path) -> tuple:
    stat = path.stat() if path.exists() else None
    return (str(path.resolve()), stat and stat.st_size, stat and stat.st_mtime_ns)


@pytest.fixture
def app_context(app_settings, clock, loaded_once, monkeypatch):
    """The whole service's state, built as at start-up, with a clock the test moves.

    Start-up as in production except that the read-only parts (catalogue and search, fitted models) come from
    ``loaded_once``: loading them for every test took most of the fast tier's time."""
    import hashlib

    from classifier.registry import ModelRegistry
    from server.context import AppContext
    from service_guide.api import Guide

    build_guide, load_model = Guide.build.__func__, ModelRegistry.load

    def shared_guide(cls, settings):
        key = ("guide", *(_file_key(path) for path in (settings.catalogue_file, settings.catalogue_vocabulary,
                                                          settings.ranker_file)))
        if key not in loaded_once:
            loaded_once[key] = build_guide(cls, settings)
        return loaded_once[key]

    def shared_model(registry, version=None):
        path = registry.root / (version or registry.current_version() or "") / "model.joblib"
        if not path.is_file():
            return load_model(registry, version)
        key = ("model", hashlib.sha256(path.read_bytes()).hexdigest())
        if key not in loaded_once:
            loaded_once[key] = load_model(registry, version)
        return loaded_once[key]

    with monkeypatch.context() as patched:
        patched.setattr(Guide, "build", classmethod(shared_guide))
        patched.setattr(ModelRegistry, "load", shared_model)
        context = AppContext.build(app_settings)
    context.router.clock = clock
    yield context
    context.close()


@pytest.fixture
def client(app_context):
    from fastapi.testclient import TestClient

    from server.app import create_app

    with TestClient(create_app(context=app_context)) as test_client:
        yield test_client


# ---- browser fixtures (Debian's Chromium driven by Playwright) ---------------------------


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module; `make setup` installs Debian's package.

    Per module, not per session: Playwright's sync API keeps an event loop running while it is
    open, and later modules call asyncio.run() (the router benchmark)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium is missing: `make setup` installs Debian's chromium package"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no shared login); page errors and CSP violations fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    # Whatever the Content-Security-Policy blocks (an inline script or style, a foreign connection) fails the test.
    new_page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
    yield new_page
    context.close()
    assert errors == [], errors


# ---- analytics: hot issues and reply quality -------------------------------------------------


@pytest.fixture(scope="session")
def sample_hot_issues():
    """The hand-written sample messages, grouped once (spaCy and jieba take a few seconds to load)."""
    from analytics.dataset import load_messages
    from analytics.hotspots import HotIssues, known_places
    from analytics.places import default_gazetteer

    messages = load_messages(SAMPLE / "hot_messages.csv")
    return HotIssues(known_places=known_places(default_gazetteer())).fit(messages)
