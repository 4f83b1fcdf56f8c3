"""retrain_jobs: one active job guaranteed by the database, and who runs it with a heartbeat

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    with op.batch_alter_table("retrain_jobs") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    # Jobs left active by an older version have no worker to come back: they end here, so the index can hold.
    op.execute(f"UPDATE retrain_jobs SET status = 'failed', progress = '失败 failed', "
               f"message = '升级时任务仍未结束，已中止 / still active at the upgrade, ended' WHERE {ACTIVE}")
    with op.batch_alter_table("retrain_jobs") as batch:
        batch.create_unique_constraint("uq_retrain_jobs_active", ["active"])


def downgrade() -> None:
    with op.batch_alter_table("retrain_jobs") as batch:
        batch.drop_constraint("uq_retrain_jobs_active", type_="unique")
        batch.drop_column("heartbeat_at")
        batch.drop_column("worker")
        batch.drop_column("active")
