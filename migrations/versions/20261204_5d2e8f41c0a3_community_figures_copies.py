"""community: copies for the officers' figures (household member count and first
attainment, a mentor link's learner's attainment), filled from their sources

Revision ID: 5d2e8f41c0a3
Revises: 3c1f0e2b9a77
Create Date: 2026-12-04 15:10:00

"""
from alembic import op
import sqlalchemy as sa

import lms.core.db


# revision identifiers, used by Alembic.
revision = '5d2e8f41c0a3'
down_revision = '3c1f0e2b9a77'
branch_labels = None
depends_on = None

# The rule of lms.reports.rollup.withdrawn, as it stands at this revision: a program
# certificate revoked and none live withdraws the attainment.
FIRST_ATTAINMENT = """
    SELECT min(a.attained_at) FROM attainments a
    WHERE a.user_id = {user}
      AND NOT (
        EXISTS (SELECT 1 FROM certificates r WHERE r.user_id = a.user_id
                AND r.group_code = a.group_code AND r.kind = 'program'
                AND r.revoked_at IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM certificates l WHERE l.user_id = a.user_id
                AND l.group_code = a.group_code AND l.kind = 'program'
                AND l.revoked_at IS NULL AND l.superseded_at IS NULL)
      )
"""


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('attained_at', lms.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_households_figures', ['province_code', 'commune_code', 'village_id', 'created_at', 'attained_at', 'member_count'], unique=False)
    with op.batch_alter_table('mentor_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learner_attained_at', lms.core.db.UTCDateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # Tables filled in bulk may never have been analysed: without statistics PostgreSQL
        # plans the lookups below as scans (seen: minutes on a million learners).
        op.execute("ANALYZE households, household_members, attainments, certificates, mentor_links")
    op.execute(
        "UPDATE households SET "
        "member_count = (SELECT count(*) FROM household_members m WHERE m.household_id = households.id), "
        "attained_at = (SELECT min((" + FIRST_ATTAINMENT.format(user="m.user_id") + ")) "
        "FROM household_members m WHERE m.household_id = households.id)"
    )
    op.execute(
        "UPDATE mentor_links SET learner_attained_at = ("
        + FIRST_ATTAINMENT.format(user="mentor_links.learner_id") + ")"
    )


def downgrade():
    with op.batch_alter_table('mentor_links', schema=None) as batch_op:
        batch_op.drop_column('learner_attained_at')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_figures')
        batch_op.drop_column('attained_at')
        batch_op.drop_column('member_count')
