"""initial schema: tickets, events, label candidates, retrain jobs

Revision ID: 0001
Revises:
Create Date: 2026-11-22 20:58:48.288374
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('retrain_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.String(length=200), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('n_feedback', sa.Integer(), nullable=False),
    sa.Column('candidate_version', sa.String(length=64), nullable=True),
    sa.Column('baseline_version', sa.String(length=64), nullable=True),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('retrain_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retrain_jobs_status'), ['status'], unique=False)

    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_no', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('ticket_type', sa.String(length=8), nullable=False),
    sa.Column('type_confidence', sa.Float(), nullable=True),
    sa.Column('type_confirmed', sa.Boolean(), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('category_confidence', sa.Float(), nullable=True),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('suggestions', sa.JSON(), nullable=False),
    sa.Column('suggested_department', sa.String(length=32), nullable=True),
    sa.Column('department', sa.String(length=32), nullable=True),
    sa.Column('auto_dispatched', sa.Boolean(), nullable=False),
    sa.Column('feedback_code', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('response_due', sa.DateTime(), nullable=False),
    sa.Column('completion_due', sa.DateTime(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('rating', sa.String(length=8), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=True),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_external_no'), ['external_no'], unique=True)
        batch_op.create_index(batch_op.f('ix_tickets_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_status'), ['status'], unique=False)

    op.create_table('label_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('old_value', sa.String(length=64), nullable=True),
    sa.Column('new_value', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('model_category', sa.String(length=32), nullable=True),
    sa.Column('model_confidence', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('label_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_label_candidates_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_label_candidates_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=8), nullable=True),
    sa.Column('to_status', sa.String(length=8), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('department', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_events_ticket_id'), ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_events_ticket_id'))

    op.drop_table('ticket_events')
    with op.batch_alter_table('label_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_label_candidates_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_label_candidates_status'))

    op.drop_table('label_candidates')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_status'))
        batch_op.drop_index(batch_op.f('ix_tickets_received_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_external_no'))
        batch_op.drop_index(batch_op.f('ix_tickets_department'))

    op.drop_table('tickets')
    with op.batch_alter_table('retrain_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retrain_jobs_status'))

    op.drop_table('retrain_jobs')
