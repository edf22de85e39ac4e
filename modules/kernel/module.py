"""The one object each module exposes, and what the composition root hands it at start-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from beanie import Document
from litestar.di import Provide
from litestar.types import ControllerRouterHandler
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus import Event
from modules.kernel.inbox import Listener
from modules.kernel.unit_of_work import Transactions

T = TypeVar("T")


class ModuleSettings(BaseSettings):
    """A module's own settings group: `TICKETING_*` variables, validated once at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="TICKETING_", env_file=".env", extra="ignore", frozen=True
    )


S = TypeVar("S", bound=ModuleSettings)


@dataclass(frozen=True)
class ModuleContext(Generic[S]):
    """What the app hands a module: its settings, its database's transactions, the Redis URL."""

    name: str
    settings: S
    transactions: Transactions
    redis_url: str
    namespace: str  # prefix for the module's keys on shared servers (Redis)


class Service(Protocol):
    """Background work a module runs while the app is up (a scheduler, a sweep)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class Wiring:
    """What a module's bootstrap built: route dependencies, listeners, background services."""

    dependencies: Mapping[str, Provide] = field(default_factory=dict)
    listeners: Mapping[type[Event], Listener] = field(default_factory=dict)
    services: Sequence[Service] = ()


@dataclass(frozen=True)
class Module(Generic[S]):
    """A vertical slice. `bootstrap` is its composition root: it builds the module's adapters
    from its settings and binds them into its listeners and route dependencies; it connects
    to nothing (services connect when started)."""

    name: str
    settings: type[S]
    bootstrap: Callable[[ModuleContext[S]], Wiring]
    documents: Sequence[type[Document]] = ()
    routes: Sequence[ControllerRouterHandler] = ()


def provide(value: T) -> Provide:
    """A route dependency that is one ready-made object."""

    def dependency() -> T:
        return value

    return Provide(dependency, use_cache=True, sync_to_thread=False)
