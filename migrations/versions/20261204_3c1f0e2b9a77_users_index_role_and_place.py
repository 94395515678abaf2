"""users: index on role and place, for the mentors of a place

Revision ID: 3c1f0e2b9a77
Revises: 7680b9dc2d32
Create Date: 2026-12-04 15:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c1f0e2b9a77'
down_revision = '7680b9dc2d32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(
            'ix_users_role_place', ['role', 'province_code', 'commune_code'], unique=False
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_role_place')
