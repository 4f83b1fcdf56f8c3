"""The database settings the service's throughput rests on: SQLite in WAL mode without a sync per commit,
waiting for a writer instead of failing; connections pooled, and tested before use only after a quiet spell."""

import os

import pytest
from sqlalchemy import text

from core import db
from core.db import make_engine


def test_sqlite_connections_use_wal_normal_sync_and_wait_for_a_busy_writer(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'router.db'}")
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA synchronous")) == 1  # NORMAL: WAL is synced at checkpoints
        assert connection.scalar(text("PRAGMA busy_timeout")) >= 5000
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()


def test_a_connection_is_reused_from_the_pool(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'router.db'}", pool_size=4)
    with engine.connect() as first:
        raw = first.connection.dbapi_connection
    with engine.connect() as second:
        assert second.connection.dbapi_connection is raw
    engine.dispose()


def test_a_postgresql_connection_that_died_while_idle_is_replaced_before_use(monkeypatch):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    engine = make_engine(url, pool_size=1)
    with engine.connect() as connection:
        backend = connection.scalar(text("SELECT pg_backend_pid()"))
    killer = make_engine(url, pool_size=1)
    with killer.connect() as connection:
        connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    killer.dispose()
    with engine.connect() as connection:  # the dead one is tested, found dead and replaced
        assert connection.scalar(text("SELECT pg_backend_pid()")) != backend
    engine.dispose()
