"""a calendar colour per club (RFC 7986 COLOR, a CSS3 colour name)

Revision ID: 0009_club_color
Revises: 0008_money_currency_history
Create Date: 2026-12-01 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_club_color"
down_revision = "0008_money_currency_history"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("color", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("clubs", schema=None) as batch_op:
        batch_op.drop_column("color")
