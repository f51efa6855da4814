"""club reporting currency; referral history (every status change, when and by whom)

Revision ID: 0008_money_currency_history
Revises: 0007_audit_entries
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from babel.core import get_global
from babel.numbers import get_territory_currencies


# revision identifiers, used by Alembic.
revision = "0008_money_currency_history"
down_revision = "0007_audit_entries"
branch_labels = None
depends_on = None


def _currency(zone):
    """The zone's country's currency where Babel knows it, else EUR (as clubapp.core.money.currency_for_zone)."""
    territory = get_global("zone_territories").get(zone or "")
    if territory and territory != "ZZ":
        found = [c for c in get_territory_currencies(territory) if c not in ("XXX", "XTS")]
        if found:
            return found[0]
    return "EUR"


def upgrade():
    with op.batch_alter_table("clubs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False))
    connection = op.get_bind()
    clubs = sa.table("clubs", sa.column("id", sa.Integer), sa.column("timezone", sa.String),
                     sa.column("currency", sa.String))
    for club_id, zone in connection.execute(sa.select(clubs.c.id, clubs.c.timezone)).all():
        connection.execute(sa.update(clubs).where(clubs.c.id == club_id).values(currency=_currency(zone)))
    op.create_table(
        "referral_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_referral_events_actor_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], name=op.f("fk_referral_events_referral_id_referrals"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_events")),
    )
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_events_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_events_actor_id"), ["actor_id"], unique=False)
    # What the old rows tell: the referral was given when created, and its present status since its last update.
    referrals = sa.table("referrals", sa.column("id", sa.Integer), sa.column("giver_id", sa.Integer),
                         sa.column("receiver_id", sa.Integer), sa.column("status", sa.String),
                         sa.column("amount", sa.Numeric), sa.column("currency", sa.String),
                         sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_at", sa.DateTime(timezone=True)))
    events = sa.table("referral_events", sa.column("referral_id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
                      sa.column("actor_id", sa.Integer), sa.column("status", sa.String),
                      sa.column("amount", sa.Numeric), sa.column("currency", sa.String))
    rows = connection.execute(sa.select(referrals)).all()
    for row in rows:
        steps = [dict(referral_id=row.id, at=row.created_at, actor_id=row.giver_id, status="given",
                      amount=None, currency=None)]
        if row.status != "given":
            steps.append(dict(referral_id=row.id, at=row.updated_at, actor_id=row.receiver_id, status=row.status,
                              amount=row.amount, currency=row.currency))
        connection.execute(sa.insert(events), steps)


def downgrade():
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_events_actor_id"))
        batch_op.drop_index(batch_op.f("ix_referral_events_referral_id"))
    op.drop_table("referral_events")
    with op.batch_alter_table("clubs", schema=None) as batch_op:
        batch_op.drop_column("currency")
