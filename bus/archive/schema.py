"""The archive's one table, as SQLAlchemy Core sees it (Alembic migrations create it)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every store: SQLite keeps no zone, so we store UTC and restore it."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

# `position` is the archive's own order (arrival); `occurred_at` the producer's clock.
archived_events = Table(
    "archived_events",
    metadata,
    Column(
        "position",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("event_id", String, nullable=False),
    Column("subject", String, nullable=False),
    Column("producer", String, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("archived_at", UtcDateTime, nullable=False),
    Column("correlation_id", String, nullable=False),
    Column("aggregate_id", String),
    Column("aggregate_version", BigInteger),
    Column("order_id", String),
    Column("payload", JSON, nullable=False),
    Index("uq_archived_events_event_id", "event_id", unique=True),
    Index("ix_archived_events_order", "order_id", "occurred_at"),
    Index("ix_archived_events_correlation", "correlation_id", "occurred_at"),
    Index("ix_archived_events_aggregate", "aggregate_id", "occurred_at"),
    Index("ix_archived_events_subject", "subject", "position"),
    Index("ix_archived_events_occurred", "occurred_at"),
)
