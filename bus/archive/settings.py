"""The archive's own settings group: where it stores events and how long it keeps them."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SQLITE_FILE = "archive.sqlite3"
DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


class ArchiveSettingsError(ValueError):
    """An archive setting is invalid; the message names the environment variable."""


class ArchiveSettings(BaseSettings):
    """`TICKETING_ARCHIVE_URL` (unset: SQLite in the data dir), `TICKETING_ARCHIVE_RETENTION`."""

    model_config = SettingsConfigDict(
        env_prefix="TICKETING_ARCHIVE_", env_file=".env", extra="ignore", frozen=True
    )

    url: str | None = None
    retention: int | None = Field(default=None, gt=0)  # days; unset keeps everything

    @field_validator("url")
    @classmethod
    def _a_supported_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError("not a database URL, e.g. postgresql://user@host/db") from None
        if backend not in DRIVERS:
            raise ValueError(f"unsupported database {backend!r}: use postgresql or sqlite")
        return value

    def database_url(self, data_dir: Path) -> str:
        """The URL with its async driver: asyncpg for PostgreSQL, aiosqlite for SQLite."""
        if self.url is None:
            return f"{DRIVERS['sqlite']}:///{(data_dir / SQLITE_FILE).resolve()}"
        url = make_url(self.url)
        return url.set(drivername=DRIVERS[url.get_backend_name()]).render_as_string(
            hide_password=False
        )


def load_archive_settings(**overrides: object) -> ArchiveSettings:
    """Settings from the environment (overrides win), or an error naming the bad variable."""
    try:
        return ArchiveSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = [
            f"TICKETING_ARCHIVE_{str(problem['loc'][0]).upper()}: "
            f"{problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        ]
        raise ArchiveSettingsError("invalid configuration: " + "; ".join(problems)) from None
