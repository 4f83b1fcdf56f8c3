"""Shared fixtures: the project's sample data and one classifier trained on it per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.dataset import Example, load_examples
from classifier.model import ComplaintClassifier

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


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


# ---- router service fixtures -------------------------------------------------------------

import os  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402


from classifier.registry import ModelRegistry  # noqa: E402

TOKENS = {
    "operator": "demo-operator", "zjj": "demo-dept-zjj", "cgj": "demo-dept-cgj",
    "hexi": "demo-dept-hexi", "trainer": "demo-trainer", "admin": "demo-admin", "bot": "demo-bot",
}


class FakeClock:
    """A clock the tests move forward, to reach deadlines without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += timedelta(hours=hours)


@pytest.fixture(scope="session")
def model_registry(tmp_path_factory, trained_model) -> ModelRegistry:
    registry = ModelRegistry(tmp_path_factory.mktemp("models"))
    registry.promote(registry.save(trained_model, {"note": "sample"}))
    return registry


@pytest.fixture(scope="session")
def type_registry(tmp_path_factory) -> ModelRegistry:
    """The work-order type model, trained once on the hand-written typed sample."""
    from routing.ticket_type import TicketTypeClassifier, load_typed_orders

    examples = load_typed_orders(SAMPLE / "work_orders_typed.csv")
    model = TicketTypeClassifier().fit([e.text for e in examples], [e.label for e in examples])
    registry = ModelRegistry(tmp_path_factory.mktemp("types"))
    registry.promote(registry.save(model, {"note": "sample"}))
    return registry


def _database_urls() -> list[str]:
    urls = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append("postgresql")
    return urls


@pytest.fixture(params=_database_urls())
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'router.db'}"
    url = os.environ["TEST_DATABASE_URL"]
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def router_context(database_url, model_registry, type_registry, clock, tmp_path):
    """A fully built service context on its own copy of the registry (retraining promotes into it)."""
    import shutil

    from routing.context import RouterContext
    from routing.settings import RouterSettings

    model_dir = shutil.copytree(model_registry.root, tmp_path / "models")
    settings = RouterSettings(database_url=database_url, model_dir=model_dir, type_model_dir=type_registry.root,
                              auto_dispatch_threshold=1.01)  # operators dispatch unless a test lowers it
    context = RouterContext.build(settings)
    context.clock = clock
    yield context
    context.engine.dispose()


@pytest.fixture
def client(router_context):
    from fastapi.testclient import TestClient

    from routing.app import create_app

    with TestClient(create_app(context=router_context)) as test_client:
        yield test_client


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


# ---- services started as processes -------------------------------------------------------


def wait_for(url: str, process, seconds: float = 180) -> None:
    """Until ``url`` answers below 500; fail at once if the process behind it exits."""
    import time

    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


# ---- browser fixtures (Debian's Chromium driven by Playwright) ---------------------------

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


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
    """A fresh browser context per test (no shared login); page errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    context.close()
    assert errors == [], errors


def screenshot(page, name: str) -> Path:
    """Saved as a test artefact (CI keeps test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
