"""Typed settings from `TICKETING_*` environment variables, validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.keys import JwtKey


class SettingsError(Exception):
    """A setting is invalid; the message names the environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TICKETING_", env_file=".env", extra="ignore", frozen=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    mongo_url: str | None = None
    mongo_urls: dict[str, str] = Field(default_factory=dict)  # per-module overrides
    redis_url: str | None = None
    bus: Literal["inprocess", "redis"] = "inprocess"
    data_dir: Path = Path(".ticketing")
    db_prefix: str = Field(default="ticketing", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
    jwt_key: JwtKey | None = None
    session_ttl: int = Field(default=7 * 24 * 3600, gt=0)
    order_ttl: int = Field(default=900, gt=0, le=7 * 24 * 3600)  # dramatiq delays cap at 7 days
    cookie_secure: bool = False
    instance: str | None = None
    bus_max_attempts: int = Field(default=10, ge=1)
    bus_ack_wait: float = Field(default=30.0, gt=0)  # seconds before a peer claims an event
    expiration_sweep: float = Field(default=30.0, gt=0)
    run_worker: bool = True
    stripe_secret_key: SecretStr | None = None
    stripe_api_base: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @model_validator(mode="after")
    def _external_servers_need_a_key(self) -> Settings:
        if (self.mongo_url or self.redis_url) and self.jwt_key is None:
            raise ValueError(
                "TICKETING_JWT_KEY is required when TICKETING_MONGO_URL or "
                "TICKETING_REDIS_URL points at external servers"
            )
        return self

    @property
    def local(self) -> bool:
        """Local mode: no external server configured, so everything lives under the data dir."""
        return not (self.mongo_url or self.redis_url)

    def database_name(self, module: str) -> str:
        return f"{self.db_prefix}_{module}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (overrides win), or SettingsError naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        variable = f"TICKETING_{location[0].upper()}" if location else "settings"
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{variable}: {message}" if location else message)
    return "invalid configuration: " + "; ".join(lines)
