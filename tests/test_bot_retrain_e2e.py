"""The bot retrain job end to end: a trainer's reviewed example → rasa validate, train, test → the running
Rasa server's model replaced through its HTTP API (or kept), and rolled back.

A small bot of its own (three intents, a few examples, 20 epochs) keeps each rasa command short; the
job, the Rasa server and the commands are the real ones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import requests

from core.settings import BotSettings
from learning.settings import BotTrainingSettings
from tests.helpers import ROOT, auth, bot_turn, free_port, wait_for, wait_for_job

RASA = ROOT / ".venv-bot" / "bin" / "rasa"
TOKEN = "rasa-test-secret"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.bot,
    pytest.mark.skipif(not RASA.exists(), reason="the bot environment (.venv-bot) is built by `make setup`"),
]

FILES = {
    "config.yml": """recipe: default.v1
language: zh
assistant_id: small-test-bot
pipeline:
  - name: JiebaTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 2
  - name: DIETClassifier
    epochs: 20
    random_seed: 1
  - name: EntitySynonymMapper
policies:
  - name: RulePolicy
""",
    "domain.yml": """version: "3.1"
intents: [greet, ask_materials, out_of_scope]
entities: [service_item]
responses:
  utter_greet: [{text: "您好"}]
  utter_materials: [{text: "请带身份证"}]
  utter_out_of_scope: [{text: "这个我帮不上"}]
""",
    "data/nlu.yml": """version: "3.1"
nlu:
- intent: greet
  examples: |
    - 你好
    - 您好
    - 在吗
- intent: ask_materials
  examples: |
    - 办[营业执照](service_item)带什么
    - [身份证](service_item)要什么材料
    - 申请[护照](service_item)要哪些材料
- intent: out_of_scope
  examples: |
    - 明天天气怎么样
    - 讲个笑话
""",
    "data/rules.yml": """version: "3.1"
rules:
- rule: greet
  steps: [{intent: greet}, {action: utter_greet}]
- rule: materials
  steps: [{intent: ask_materials}, {action: utter_materials}]
- rule: out of scope
  steps: [{intent: out_of_scope}, {action: utter_out_of_scope}]
""",
    "tests/nlu_test.yml": """version: "3.1"
nlu:
- intent: greet
  examples: |
    - 你好呀
- intent: ask_materials
  examples: |
    - 办[护照](service_item)要带什么
""",
    "tests/test_stories.yml": """version: "3.1"
stories:
- story: greet then ask
  steps:
  - user: |
      你好
    intent: greet
  - action: utter_greet
  - user: |
      办[营业执照](service_item)带什么
    intent: ask_materials
  - action: utter_materials
""",
}


@pytest.fixture(scope="module")
def small_bot(tmp_path_factory) -> BotTrainingSettings:
    """The small bot's project with a first model trained, as `make bot-train` leaves it."""
    project = tmp_path_factory.mktemp("small-bot")
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    settings = BotTrainingSettings(project_dir=project, rasa=RASA, reviewed_file=project / "data" / "reviewed.yml",
                                   config=Path("config.yml"), domain=Path("domain.yml"), data=[Path("data")],
                                   nlu_test=Path("tests/nlu_test.yml"), stories_test=Path("tests/test_stories.yml"),
                                   model_dir=project / "models", model_name="citizen-bot", command_timeout=1800)
    done = subprocess.run([str(RASA), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                           "--out", "models", "--fixed-model-name", "citizen-bot"], cwd=project, capture_output=True,
                          text=True, timeout=1800, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return settings


@pytest.fixture(scope="module")
def rasa_server(small_bot):
    """The Rasa server with its HTTP API on (as `make serve` runs it), behind an auth token."""
    port = free_port()
    log = open(small_bot.project_dir / "rasa.log", "w")
    process = subprocess.Popen([str(RASA), "run", "--model", str(small_bot.model_dir / "citizen-bot.tar.gz"),
                                "--enable-api", "--auth-token", TOKEN, "--port", str(port), "--interface", "127.0.0.1"],
                               cwd=small_bot.project_dir, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url, process, seconds=600)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def serving(url: str) -> str:
    """The id of the model the Rasa server is running."""
    status = requests.get(f"{url}/status", params={"token": TOKEN}, timeout=30)
    assert status.status_code == 200, status.text
    return status.json()["model_id"]


@pytest.fixture
def bot_service(client, app_context, small_bot, rasa_server):
    app_context.learning.bot = small_bot
    app_context.learning.bot_server = BotSettings(url=rasa_server, auth_token=TOKEN)
    return client


def retrain(client, app_context, tolerance: float) -> dict:
    app_context.learning.bot = app_context.learning.bot.model_copy(update={"tolerance": tolerance})
    started = client.post("/api/models/retrain?model=bot", headers=auth("trainer"))
    assert started.status_code == 202, started.text
    return wait_for_job(client, started.json()["id"], timeout=3600)


def test_a_reviewed_example_is_trained_tested_and_served_only_when_not_worse_and_rolled_back(
        bot_service, app_context, small_bot, rasa_server):
    client = bot_service
    turn = bot_turn(client, text="开饭店要带啥材料", kind="fallback", intent=None, confidence=None, entities=[])
    labelled = client.post(f"/api/bot/review/{turn['id']}", headers=auth("trainer"),
                           json={"action": "label", "intent": "ask_materials"})
    assert labelled.status_code == 201, labelled.text
    assert "开饭店要带啥材料" in small_bot.reviewed_file.read_text(encoding="utf-8")
    first = serving(rasa_server)

    # A candidate must beat the current model by a whole point here: refused, the server keeps its model.
    refused = retrain(client, app_context, tolerance=-1.0)
    assert (refused["status"], refused["decision"]) == ("refused", "refused"), refused["message"]
    assert refused["report"]["candidate"]["intent_f1"] is not None
    assert refused["report"]["baseline"]["story_accuracy"] is not None
    assert serving(rasa_server) == first

    # Any candidate is not worse here: it replaces the running model through PUT /model.
    promoted = retrain(client, app_context, tolerance=1.0)
    assert (promoted["status"], promoted["decision"]) == ("succeeded", "promoted"), promoted["message"]
    second = serving(rasa_server)
    assert second != first
    assert (small_bot.model_dir / "citizen-bot.previous.tar.gz").exists()

    rolled = client.post("/api/models/rollback?model=bot", headers=auth("trainer"))
    assert rolled.status_code == 200, rolled.text
    assert serving(rasa_server) == first
