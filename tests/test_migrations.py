"""Migrations: the migrated schema is the one the code declares, and every worker may migrate at once."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, inspect, text

import learning.orm  # noqa: F401  (declares its tables on core.db.Base; imports routing.orm, which declares the rest)
from core.db import Base, make_engine, upgrade_database
from tests.helpers import head_revision


def schema_drift(engine: Engine, metadata: MetaData) -> list:
    """Alembic's differences between the database's schema and ``metadata`` (types and defaults included)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, metadata)


def columns(engine: Engine) -> dict[str, list[tuple[str, str, bool]]]:
    """Every table's columns as (name, type, nullable), as the database reports them."""
    inspector = inspect(engine)
    return {table: [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)]
            for table in inspector.get_table_names()}


def test_concurrent_upgrades_of_one_database_all_succeed(empty_database_url):
    engines = [make_engine(empty_database_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(upgrade_database, engines))
        tables = set(inspect(engines[0]).get_table_names())
        assert {"tickets", "ticket_events", "label_candidates", "retrain_jobs", "alembic_version"} <= tables
    finally:
        for engine in engines:
            engine.dispose()


@pytest.fixture
def migrated(empty_database_url) -> Iterator[Engine]:
    """An engine on a database upgraded to head from nothing."""
    engine = make_engine(empty_database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


def test_the_migrated_schema_is_the_schema_the_orm_declares(migrated):
    assert schema_drift(migrated, Base.metadata) == []


def test_a_column_declared_without_its_migration_is_reported_as_drift(migrated):
    declared = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(declared)
    declared.tables["tickets"].append_column(Column("district", String(32)))
    drift = schema_drift(migrated, declared)
    assert [(d[0], d[2], d[3].name) for d in drift] == [("add_column", "tickets", "district")]


def test_upgrading_twice_changes_nothing(migrated):
    before = columns(migrated)
    upgrade_database(migrated)
    assert columns(migrated) == before
    with migrated.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head_revision()]
    assert schema_drift(migrated, Base.metadata) == []


def test_the_query_code_lookup_has_an_index_on_the_feedback_code(migrated):
    indexes = inspect(migrated).get_indexes("tickets")
    assert ["feedback_code"] in [index["column_names"] for index in indexes]
