"""one pending join request per user and club

Revision ID: 0006_pending_join_unique
Revises: 0005_backup_feed_previous_hash
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006_pending_join_unique"
down_revision = "0005_backup_feed_previous_hash"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    # Double submits may already have stored twins: keep the oldest pending request of each pair.
    op.execute(sa.text(
        "DELETE FROM join_requests WHERE status = 'pending' AND EXISTS ("
        " SELECT 1 FROM join_requests AS older"
        " WHERE older.club_id = join_requests.club_id AND older.user_id = join_requests.user_id"
        " AND older.status = 'pending'"
        " AND (older.created_at < join_requests.created_at"
        "      OR (older.created_at = join_requests.created_at AND older.id < join_requests.id)))"))
    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.create_index('uq_join_requests_pending', ['club_id', 'user_id'], unique=True,
                              sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_join_requests_pending')
