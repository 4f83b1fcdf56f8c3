"""Migrations: every worker migrates at start-up, so concurrent upgrades must be safe."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import inspect

from core.db import make_engine, upgrade_database


def test_concurrent_upgrades_of_one_database_all_succeed(database_url):
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(upgrade_database, engines))
        tables = set(inspect(engines[0]).get_table_names())
        assert {"tickets", "ticket_events", "label_candidates", "retrain_jobs", "alembic_version"} <= tables
    finally:
        for engine in engines:
            engine.dispose()


def test_upgrading_twice_changes_nothing(database_url):
    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
        upgrade_database(engine)
    finally:
        engine.dispose()
