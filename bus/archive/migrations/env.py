"""Alembic environment: always handed a connection by `bus.archive.migrate`, never a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bus.archive.migrate import VERSION_TABLE

LOCK_KEY = 0x7E7C  # any constant: serialises archive upgrades that start together on PostgreSQL

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    context.run_migrations()
