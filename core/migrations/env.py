"""Alembic environment: runs on the connection handed in by routing.db.upgrade_database,
or on ROUTER_DATABASE_URL when called from the alembic CLI."""

from alembic import context
from sqlalchemy import create_engine

from routing.orm import Base
from routing.settings import RouterSettings

connection = context.config.attributes.get("connection")


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with create_engine(RouterSettings().database_url).begin() as conn:
        run(conn)
