"""Alembic environment: runs on the connection handed in by core.db.upgrade_database, or on the
configured database (DatabaseSettings) when called from the alembic CLI.

``target_metadata`` (for ``alembic revision --autogenerate``) is every package's tables: the
modules that declare them are listed in alembic.ini (``orm_modules``), so core imports none of them.
"""

import importlib

from alembic import context
from sqlalchemy import create_engine

from core.db import Base
from core.settings import DatabaseSettings

for module in (context.config.get_main_option("orm_modules") or "").split():
    importlib.import_module(module)

connection = context.config.attributes.get("connection")


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with create_engine(DatabaseSettings().url).begin() as conn:
        run(conn)
