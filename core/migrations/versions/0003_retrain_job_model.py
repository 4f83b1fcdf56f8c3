"""retrain_jobs.model: which model a retraining job trains (the category model or the dispatch model)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("retrain_jobs") as batch:
        batch.add_column(sa.Column("model", sa.String(length=16), nullable=False, server_default="classifier"))
    op.create_index("ix_retrain_jobs_model", "retrain_jobs", ["model"])


def downgrade() -> None:
    op.drop_index("ix_retrain_jobs_model", table_name="retrain_jobs")
    with op.batch_alter_table("retrain_jobs") as batch:
        batch.drop_column("model")
