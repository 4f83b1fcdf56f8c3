"""Database engine, sessions and the declarative base: SQLite (WAL) by default, PostgreSQL through the same URL.

Every package declares its tables on ``Base`` (``routing.orm``, ``learning.orm``); the Alembic
migrations of all of them live in ``core/migrations``.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from core.settings import package_file

MIGRATIONS = package_file("core", "migrations")


def utcnow() -> datetime:
    """Naive UTC: SQLite and PostgreSQL then store and compare times the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """An engine; SQLite gets WAL, a busy timeout and foreign keys so concurrent requests behave.

    ``pool_size`` (plus as many overflow connections) bounds concurrent requests using the DB.
    """
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=pool_size, max_overflow=pool_size)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
    _ping_when_idle(engine)
    return engine


#: A pooled connection idle this long is tested before use (the database may have restarted meanwhile).
IDLE_BEFORE_PING = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a connection before use only when it sat in the pool for ``IDLE_BEFORE_PING`` seconds.

    ``pool_pre_ping`` tests every checkout: one more round trip per request under load, when the
    connections are in constant use; after a quiet spell (a restart of the database) is when they
    go stale. A dead one is replaced before the request gets it.
    """

    @event.listens_for(engine, "checkin")
    def _mark(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        if time.monotonic() - record.info.get("checked_in", time.monotonic()) < IDLE_BEFORE_PING:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:  # the driver's own error type: any failure means a dead connection
            raise exc.DisconnectionError() from error


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


#: Arbitrary constant key for PostgreSQL's advisory lock around migrations.
_PG_MIGRATION_LOCK_KEY = 12345_0001


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations: every uvicorn worker upgrades at start-up, and two racing
    ``CREATE TABLE alembic_version`` would kill the loser.

    PostgreSQL gets a session advisory lock; a SQLite file gets an ``flock`` on a sibling
    lock file; an in-memory SQLite database belongs to one process and needs none.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_database(engine: Engine) -> None:
    """Apply Alembic migrations up to head on ``engine``'s database, one process at a time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _migration_lock(engine), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
