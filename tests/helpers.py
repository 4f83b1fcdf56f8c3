"""Plain helpers the tests share (fixtures are in conftest.py): paths, tokens, intake, waiting, screenshots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from server.bench import free_port

__all__ = ["ARTIFACTS", "CHROMIUM", "COMPLAINT", "ROOT", "SAMPLE", "SHARED_DATA", "TOKENS", "FakeClock", "auth",
           "bot_turn", "call", "free_port", "head_revision", "intake", "screenshot", "shared_data_file", "sign_in",
           "start_site", "stored_time", "wait_for", "wait_for_job", "write_export"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# The real data beside the project (read by path, never committed); SHARED_DATA points elsewhere, e.g. from a worktree.
SHARED_DATA = Path(os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))

TOKENS = {
    "operator": "demo-operator", "zjj": "demo-dept-zjj", "cgj": "demo-dept-cgj",
    "hexi": "demo-dept-hexi", "trainer": "demo-trainer", "admin": "demo-admin", "bot": "demo-bot",
    "leader": "demo-leader",
}

COMPLAINT = {"text": "小区物业擅自把公共车位改成收费车位，每月三百元，业主反映多次没人管", "channel": "电话",
             "contact": "13812345678"}


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[who]}"}


def intake(client, **overrides) -> dict:
    """File the sample complaint (or a variant) as the operator; the created or existing order."""
    response = client.post("/api/tickets", json={**COMPLAINT, **overrides}, headers=auth("operator"))
    assert response.status_code in (200, 201), response.text
    return response.json()


def bot_turn(client, **overrides) -> dict:
    """Report a turn as the bot does (``POST /api/bot/turns``, an answer about 营业执照 unless overridden);
    the body sent, with the stored id."""
    body = {"conversation_id": "web-test-1", "turn_id": f"t-{time.monotonic_ns()}", "channel": "web",
            "text": "办营业执照要带什么材料", "intent": "ask_materials", "confidence": 0.93,
            "entities": [{"entity": "service_item", "value": "营业执照", "start": 1, "end": 5}],
            "item_code": "QS-SC-001", "kind": "answer", "bot_reply": "办理营业执照需要：身份证、经营场所证明。",
            **overrides}
    response = client.post("/api/bot/turns", json=body, headers=auth("bot"))
    assert response.status_code == 201, response.text
    return {**body, "id": response.json()["id"]}


def stored_time(china_time: datetime) -> datetime:
    """A wall-clock time in China (as the sample data gives it) as the database stores times: naive UTC."""
    return china_time.replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC).replace(tzinfo=None)


def wait_for_job(client, job_id: int, timeout: float = 180) -> dict:
    """Poll a retraining job as the trainer until it has finished; its final state."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/models/jobs/{job_id}", headers=auth("trainer")).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"retrain job {job_id} did not finish")


class FakeClock:
    """A clock the tests move forward, to reach deadlines without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += timedelta(hours=hours)


def wait_for(url: str, process, seconds: float = 180) -> None:
    """Until ``url`` answers below 500; fail at once if the process behind it exits."""
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


def screenshot(page, name: str) -> Path:
    """Saved as a test artefact (CI keeps test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def write_export(tmp_path: Path, items: list[dict]):
    """A hand-written catalogue in the Guangdong export's shape (one JSON line per item), imported."""
    from service_guide.guangdong import import_guangdong

    lines = [json.dumps({"TASK_CODE": f"T{i}", "DEPT_NAME": "示例市政务服务数据管理局", **item}, ensure_ascii=False)
             for i, item in enumerate(items)]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return import_guangdong(path).catalogue


def head_revision() -> str:
    """The newest Alembic revision (the head the service migrates to)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from core.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def shared_data_file(name: str) -> Path:
    """A real data file beside the project; the test is skipped where it is not (a clean clone)."""
    import pytest

    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the project")
    return path


# ---- the service as a process, for the browser tests ------------------------------------------------


def start_site(work, model_registry, type_registry, **extra_env: str):
    """The main service as a process on a free port with its own database and model copies; yields its URL."""
    port = free_port()
    env = {**os.environ,
           "DATABASE_URL": f"sqlite:///{work / 'router.db'}",
           "CLASSIFIER_MODEL_DIR": str(shutil.copytree(model_registry.root, work / "models")),
           "CLASSIFIER_TYPE_MODEL_DIR": str(type_registry.root),
           "DEPARTMENTS_MODEL_DIR": str(work / "departments"),
           "ROUTER_AUTO_DISPATCH_THRESHOLD": "1.01",
           "LEARNING_BASE_TRAINING_FILES": f'["{SAMPLE / "messages_train.csv"}"]',
           "LEARNING_FROZEN_TEST_FILE": str(SAMPLE / "messages_test.csv"),
           # the bot's reviewed examples and models stay in the test's folder, never in nlu_data/ or bot/models/
           "BOT_TRAIN_REVIEWED_FILE": str(work / "reviewed.yml"),
           "BOT_TRAIN_MODEL_DIR": str(work / "bot-models"),
           **extra_env}
    log = open(work / "api.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "server", "--port", str(port), "--log-level", "warning"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", process, seconds=90)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def call(site: str, who: str, method: str, path: str, **kwargs) -> dict | list:
    response = requests.request(method, f"{site}{path}", headers={"Authorization": f"Bearer {TOKENS[who]}"},
                                timeout=30, **kwargs)
    assert response.ok, response.text
    return response.json()


def sign_in(page, site: str, who: str, path: str) -> None:
    page.goto(f"{site}/login?next={path}")
    page.get_by_label("登录口令").fill(TOKENS[who])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{site}{path}")
