"""The database settings the service's throughput rests on: SQLite in WAL mode without a sync per commit,
waiting for a writer instead of failing; connections pooled."""

from sqlalchemy import text

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
