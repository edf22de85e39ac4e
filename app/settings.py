"""Typed settings from `TICKETING_*` environment variables, validated once at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.keys import JwtKey
from modules.kernel import Module, ModuleSettings

G = TypeVar("G", bound=BaseSettings)


class SettingsError(Exception):
    """A setting is invalid; the message names the environment variable."""


class Settings(BaseSettings):
    """The deployment's own settings; each module declares its own group beside these."""

    model_config = SettingsConfigDict(
        env_prefix="TICKETING_", env_file=".env", extra="ignore", frozen=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    health_port: int = Field(default=8001, ge=0, le=65535)  # worker, archive: /healthz, /readyz
    mongo_url: str | None = None
    mongo_urls: dict[str, str] = Field(default_factory=dict)  # per-module overrides
    redis_url: str | None = None
    bus: Literal["inprocess", "redis"] = "inprocess"
    data_dir: Path = Path(".ticketing")
    db_prefix: str = Field(default="ticketing", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
    jwt_key: JwtKey | None = None
    session_ttl: int = Field(default=24 * 3600, gt=0)  # sliding: renewed past half its life
    # seconds a process trusts that a session it saw open still is, unless it hears a close
    session_check_cache: float = Field(default=1.0, ge=0, le=60)
    cookie_secure: bool = False
    instance: str | None = None
    bus_max_attempts: int = Field(default=10, ge=1)
    bus_ack_wait: float = Field(default=30.0, gt=0)  # seconds before a peer claims an event
    shutdown_grace: float = Field(default=25.0, gt=0)  # exit by then after a stop signal, whatever
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json in production: one object per line
    # otlp: spans over OTLP/HTTP to the collector OTEL_EXPORTER_OTLP_ENDPOINT names
    tracing: Literal["off", "otlp"] = "off"
    # Public by design (it goes into the page): every process serving the order page needs it
    # for the pay form and the CSP, so it is the deployment's, not only payments'.
    stripe_publishable_key: str | None = Field(default=None, pattern=r"^pk_(test|live)_\w+$")

    @model_validator(mode="after")
    def _external_servers_need_a_key(self) -> Settings:
        if (self.mongo_url or self.redis_url) and self.jwt_key is None:
            raise ValueError(
                "TICKETING_JWT_KEY is required when TICKETING_MONGO_URL or "
                "TICKETING_REDIS_URL points at external servers"
            )
        return self

    def database_name(self, module: str) -> str:
        return f"{self.db_prefix}_{module}"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment (overrides win), or SettingsError naming the bad variable."""
    return validated(Settings, overrides)


def load_module_settings(
    modules: Sequence[Module[Any]], **overrides: Any
) -> dict[str, ModuleSettings]:
    """Each module's own settings group, validated the same way; an override names a field of
    one group or another (a name no group knows is an error, not silently ignored)."""
    known = set(Settings.model_fields)
    groups: dict[str, ModuleSettings] = {}
    for module in modules:
        fields = module.settings.model_fields
        known |= set(fields)
        mine = {key: value for key, value in overrides.items() if key in fields}
        groups[module.name] = validated(module.settings, mine)
    if unknown := set(overrides) - known:
        raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return groups


def validated(kind: type[G], overrides: dict[str, Any]) -> G:
    try:
        return kind(**overrides)
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
