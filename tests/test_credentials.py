"""Credentials: the demo users only in a local demo, tokens that expire, and failed sign-ins throttled."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from core.auth import DEMO_TOKENS, DEMO_USERS_FILE, InsecureConfiguration, Role, UserDirectory, token_hash
from core.settings import AuthSettings, BotSettings, DeploymentSettings
from core.throttle import Throttle
from core.users import add_user
from server.context import AppContext, check_deployment
from tests.helpers import ROOT, auth


def users_file(tmp_path: Path, users: list[dict], **top) -> Path:
    path = tmp_path / "users.yml"
    path.write_text(yaml.safe_dump({**top, "users": users}, allow_unicode=True), encoding="utf-8")
    return path


def operator(token: str, **fields) -> dict:
    return {"name": "话务员小张", "role": "operator", "token_sha256": token_hash(token), **fields}


def production(app_settings, users: Path, bot_token: str = "qingshan-rasa-5e8b") -> None:
    app_settings.deployment = DeploymentSettings(environment="production")
    app_settings.auth = AuthSettings(users_file=users)
    app_settings.bot = BotSettings(auth_token=bot_token)


def test_the_shipped_users_file_has_no_token_in_its_comments():
    text = DEMO_USERS_FILE.read_text(encoding="utf-8")
    assert not [token for token in DEMO_TOKENS if token in text]


def test_production_refuses_the_shipped_demo_users_with_a_clear_message(app_settings):
    production(app_settings, DEMO_USERS_FILE)
    with pytest.raises(InsecureConfiguration) as refused:
        AppContext.build(app_settings)
    assert "演示用户文件" in refused.value.zh and "demo users file" in refused.value.en


def test_staging_refuses_a_users_file_that_reuses_a_demo_token(app_settings, tmp_path):
    production(app_settings, users_file(tmp_path, [operator("demo-operator")]))
    app_settings.deployment = DeploymentSettings(environment="staging")
    with pytest.raises(InsecureConfiguration) as refused:
        AppContext.build(app_settings)
    assert "话务员小张" in refused.value.zh and "public demo tokens" in refused.value.en


def test_production_refuses_the_default_rasa_token(app_settings, tmp_path):
    production(app_settings, users_file(tmp_path, [operator("qingshan-own-9a4f")]))
    app_settings.bot = BotSettings()
    with pytest.raises(InsecureConfiguration) as refused:
        check_deployment(app_settings, UserDirectory.from_file(app_settings.auth.users_file))
    assert "BOT_AUTH_TOKEN" in refused.value.en


def test_production_starts_with_its_own_users_and_tokens(app_settings, tmp_path):
    production(app_settings, users_file(tmp_path, [operator("qingshan-own-9a4f")]))
    AppContext.build(app_settings).engine.dispose()


def test_a_local_demo_starts_with_the_demo_users(client):
    assert client.get("/api/me", headers=auth("operator")).status_code == 200


@pytest.mark.slow
def test_the_server_command_refuses_to_start_in_production_with_the_demo_users(tmp_path):
    environment = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "production", "GOV_ASSISTANT_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "server", "--port", "1"], cwd=ROOT, capture_output=True, text=True,
                            env=environment, timeout=120)
    assert result.returncode == 2
    assert "拒绝启动" in result.stderr and "demo users file" in result.stderr and "Traceback" not in result.stderr


def serve_with(app_context, path: Path):
    from fastapi.testclient import TestClient

    from server.app import create_app

    app_context.users = UserDirectory.from_file(path)
    return TestClient(create_app(context=app_context))


def test_an_expired_token_is_a_bilingual_401(app_context, tmp_path):
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    with serve_with(app_context, users_file(tmp_path, [operator("qingshan-old-7c1e", expires_at=yesterday)])) as client:
        response = client.get("/api/me", headers={"Authorization": "Bearer qingshan-old-7c1e"})
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["error"]["zh"] and "expired" in response.json()["error"]["en"]


def test_a_token_older_than_the_maximum_age_is_refused_and_a_recent_one_accepted(app_context, tmp_path):
    now = datetime.now(UTC)
    users = [operator("qingshan-old-7c1e", issued_at=(now - timedelta(days=100)).isoformat()),
             {**operator("qingshan-new-2b9d", issued_at=(now - timedelta(days=10)).isoformat()), "name": "话务员小赵"}]
    with serve_with(app_context, users_file(tmp_path, users, token_max_age_days=90)) as client:
        assert client.get("/api/me", headers={"Authorization": "Bearer qingshan-old-7c1e"}).status_code == 401
        assert client.get("/api/me", headers={"Authorization": "Bearer qingshan-new-2b9d"}).status_code == 200


def test_a_maximum_age_without_issue_dates_is_a_data_error(tmp_path):
    from core.errors import DataError

    with pytest.raises(DataError, match="issued_at"):
        UserDirectory.from_file(users_file(tmp_path, [operator("qingshan-token-1d2c")], token_max_age_days=90))


def test_a_user_made_with_the_command_signs_in_until_the_token_expires(app_context, tmp_path):
    path = tmp_path / "users.yml"
    token = add_user(path, "话务员小周", Role.OPERATOR, days=30)
    assert token not in path.read_text(encoding="utf-8")
    directory = UserDirectory.from_file(path)
    user = directory.authenticate(token)
    assert user is not None and not directory.expired(user)
    assert directory.expired(user, datetime.now(UTC) + timedelta(days=31))


def test_too_many_wrong_tokens_from_one_address_get_a_bilingual_429_even_for_the_right_token(app_context, client):
    limit = app_context.settings.auth.max_failures
    wrong = [client.get("/api/me", headers={"Authorization": f"Bearer guess-{i}"}).status_code for i in range(limit)]
    assert set(wrong) == {401}
    for headers in ({"Authorization": "Bearer guess-again"}, auth("operator")):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 429
        assert "次数过多" in response.json()["error"]["zh"] and "too many" in response.json()["error"]["en"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_past_the_limit_are_exceeded_until_the_window_has_passed():
    clock = Clock()
    throttle = Throttle("auth-failures", 2, 60, clock=clock)
    throttle.hit("10.0.0.1")
    assert not throttle.exceeded("10.0.0.1")
    throttle.hit("10.0.0.1")
    assert throttle.exceeded("10.0.0.1") and not throttle.exceeded("10.0.0.2")
    clock.now += 61
    assert not throttle.exceeded("10.0.0.1")


def test_workers_sharing_redis_count_the_same_failures(redis_url):
    """Two throttles, as in two worker processes, on one Redis: the allowance is shared, not doubled."""
    first, second = (Throttle("auth-failures", 3, 60, redis_url=redis_url) for _ in range(2))
    first.hit("10.0.0.1")
    second.hit("10.0.0.1")
    assert not first.exceeded("10.0.0.1")
    first.hit("10.0.0.1")
    assert first.exceeded("10.0.0.1") and second.exceeded("10.0.0.1")
