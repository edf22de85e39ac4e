"""The archived_events table and the indexes behind the timeline, show, tail, replay and prune.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archived_events",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("producer", sa.String(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.String(), nullable=False),
        sa.Column("aggregate_id", sa.String()),
        sa.Column("aggregate_version", sa.BigInteger()),
        sa.Column("order_id", sa.String()),
        sa.Column("payload", sa.JSON(), nullable=False),
    )
    op.create_index("uq_archived_events_event_id", "archived_events", ["event_id"], unique=True)
    op.create_index("ix_archived_events_order", "archived_events", ["order_id", "occurred_at"])
    op.create_index(
        "ix_archived_events_correlation", "archived_events", ["correlation_id", "occurred_at"]
    )
    op.create_index(
        "ix_archived_events_aggregate", "archived_events", ["aggregate_id", "occurred_at"]
    )
    op.create_index("ix_archived_events_subject", "archived_events", ["subject", "position"])
    op.create_index("ix_archived_events_occurred", "archived_events", ["occurred_at"])


def downgrade() -> None:
    op.drop_table("archived_events")
