"""The one object each module exposes to the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from beanie import Document
from pymongo.asynchronous.database import AsyncDatabase

from bus import Event, Listener, Transactions


@dataclass(frozen=True)
class ModuleContext:
    """What the composition root hands a module at start-up: its own database and transactions."""

    name: str
    database: AsyncDatabase
    transactions: Transactions
    settings: Any
    redis_url: str


Hook = Callable[[ModuleContext], Awaitable[None]]


@dataclass(frozen=True)
class Module:
    """A vertical slice: its documents, HTTP routes, event listeners and lifecycle hooks."""

    name: str
    documents: Sequence[type[Document]] = ()
    routes: Sequence[Any] = ()
    listeners: Mapping[type[Event], Listener] = field(default_factory=dict)
    on_startup: Sequence[Hook] = ()
    on_shutdown: Sequence[Hook] = ()
