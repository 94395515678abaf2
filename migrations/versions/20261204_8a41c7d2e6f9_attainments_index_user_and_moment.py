"""attainments: one index on (user, moment) in place of the one on user alone, so a person's
first attainment is one index step whatever the planner's statistics

Revision ID: 8a41c7d2e6f9
Revises: 5d2e8f41c0a3
Create Date: 2026-12-04 15:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8a41c7d2e6f9'
down_revision = '5d2e8f41c0a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attainments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attainments_user_id'))
        batch_op.create_index('ix_attainments_user_attained', ['user_id', 'attained_at'], unique=False)


def downgrade():
    with op.batch_alter_table('attainments', schema=None) as batch_op:
        batch_op.drop_index('ix_attainments_user_attained')
        batch_op.create_index(batch_op.f('ix_attainments_user_id'), ['user_id'], unique=False)
