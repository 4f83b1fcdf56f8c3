"""tickets.feedback_code indexed: looking an order up by its 查询码 alone no longer reads every order

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.create_index(batch.f("ix_tickets_feedback_code"), ["feedback_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index(batch.f("ix_tickets_feedback_code"))
