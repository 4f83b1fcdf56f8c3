"""tickets: the reply check's verdict, and replies held for an operator before the citizen sees them

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("reply_held", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("reply_check", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("reply_check")
        batch.drop_column("reply_held")
