"""Configuration: one settings object per concern, each value from one variable, state under the project home."""

from __future__ import annotations

from pathlib import Path

from classifier.settings import ClassifierSettings
from core.settings import DatabaseSettings
from server.app import create_app


def test_state_lives_under_the_project_home_not_beside_the_code(monkeypatch, tmp_path):
    monkeypatch.setenv("GOV_ASSISTANT_HOME", str(tmp_path))
    assert DatabaseSettings().url == f"sqlite:///{tmp_path / 'data' / 'router.db'}"
    assert ClassifierSettings().model_dir == tmp_path / "models" / "classifier"


def test_an_older_variable_name_still_sets_the_value(monkeypatch):
    monkeypatch.setenv("ROUTER_MODEL_DIR", "/srv/models/classifier")
    monkeypatch.setenv("ROUTER_DATABASE_URL", "sqlite:////srv/data/orders.db")
    assert ClassifierSettings().model_dir == Path("/srv/models/classifier")
    assert DatabaseSettings().url == "sqlite:////srv/data/orders.db"


def test_the_bot_url_is_one_value_for_the_web_chat_and_the_wechat_channel(monkeypatch):
    monkeypatch.setenv("BOT_URL", "http://bot.internal:5005")
    app = create_app()
    assert app.state.bot_url == "http://bot.internal:5005"
    assert app.state.wechat.bridge.webhook == "http://bot.internal:5005/webhooks/rest/webhook"
