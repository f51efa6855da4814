"""feed URLs survive a change of SECRET_KEY: the previous feed token digest stays valid

Revision ID: 0005_backup_feed_previous_hash
Revises: 0004_referrals
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_backup_feed_previous_hash'
down_revision = '0004_referrals'
branch_labels = None
depends_on = None


def upgrade():
    # Existing digests are already plain SHA-256 of the token: nothing to convert.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_previous_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_feed_previous_hash'), ['feed_previous_hash'], unique=True)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_feed_previous_hash'))
        batch_op.drop_column('feed_previous_hash')
