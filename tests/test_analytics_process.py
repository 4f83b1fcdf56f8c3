"""The analysis process: one per database beside the web workers, reading new orders from the database,
so intake does nothing for the analysis and every order joins once whichever worker took it in."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from analytics.dataset import load_messages
from analytics.process import AnalysisProcess
from analytics.settings import AnalyticsSettings
from core.db import make_engine, upgrade_database
from tests.helpers import SAMPLE, auth, intake, stored_time


@pytest.fixture
def runtime_dir():
    """A short folder for the sockets (a Unix socket's path holds at most 107 bytes; pytest's are long)."""
    folder = Path(tempfile.mkdtemp(prefix="analysis-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def separate_context(app_settings, runtime_dir, clock):
    from server.context import AppContext

    settings = replace(app_settings, analytics=AnalyticsSettings(separate_process=True, poll_seconds=0.2,
                                                                 runtime_dir=runtime_dir))
    context = AppContext.build(settings)
    context.router.clock = clock
    assert context.analytics.live.ready(timeout=60)
    yield context
    context.close()


def wait_for(check, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    return None


def test_orders_filed_in_a_worker_join_the_analysis_process_within_seconds_and_the_surge_warns(
        separate_context, clock):
    from fastapi.testclient import TestClient

    from server.app import create_app

    with TestClient(create_app(context=separate_context)) as client:
        for message in sorted(load_messages(SAMPLE / "hot_messages.csv"), key=lambda m: m.time):
            clock.now = stored_time(message.time)
            intake(client, title=message.title, text=message.body, contact=message.user, external_no=message.id)
        live = separate_context.analytics.live  # asked directly: nothing tells the process to catch up

        def estate():
            issues = live.issues(as_of=clock.now, since=clock.now - timedelta(days=60), top=10)["issues"]
            return next((i for i in issues if i["place"] == "翠竹园小区" and i["n_messages"] == 8), None)

        assert wait_for(estate) is not None
        assert [w["day"] for w in live.warnings(date(2026, 2, 1), None)] == ["2026-02-12", "2026-02-22"]
        page = client.get("/api/analysis/issues?days=60", headers=auth("leader")).json()
        assert page["ready"] and "翠竹园小区" in [i["place"] for i in page["issues"]]


def test_a_second_worker_waits_its_turn_and_takes_over_when_the_first_stops(tmp_path, runtime_dir):
    url = f"sqlite:///{tmp_path / 'router.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    settings = AnalyticsSettings(separate_process=True, poll_seconds=0.2, runtime_dir=runtime_dir)
    gazetteer = Path(__file__).resolve().parent.parent / "routing" / "config" / "gazetteer.yml"
    first = AnalysisProcess.start(settings, gazetteer, url)
    second = AnalysisProcess.start(settings, gazetteer, url)
    try:
        assert first.ready(timeout=60) and second.ready(timeout=5)  # one socket, whichever is at work
        first.close()
        assert first.process.returncode is not None and second.process.poll() is None
        assert second.ready(timeout=60)
        assert second.rebuild(datetime(2026, 3, 1)) == {"orders": 0, "ready": False}
    finally:
        second.close()


def test_the_analysis_pages_say_so_when_no_analysis_process_answers(client, app_context, runtime_dir):
    app_context.analytics.live = AnalysisProcess(None, runtime_dir / "nobody.sock", timeout=1)
    response = client.get("/api/analysis/warnings", headers=auth("leader"))
    assert response.status_code == 503 and "分析进程" in response.json()["error"]["zh"]
