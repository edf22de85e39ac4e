"""Schema changes go through Alembic only: at start-up and by `ticketing archive upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "archive_alembic_version"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine) -> str:
    """Bring the schema to the newest revision; returns it."""
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(_config(sync), "head"))
    return head()


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(sync: Connection) -> str | None:
        context = MigrationContext.configure(sync, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""
