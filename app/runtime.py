"""Connections and background work of one running app: Mongo, the bus, relays, module services."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from app.buses import DEFAULT_CONCURRENCY, build_bus
from app.connections import mongo_client, redis_client
from app.settings import Settings
from bus import Bus
from bus.archive import Archive
from bus.chaos import Chaos
from bus.context import working_as
from bus.relay import Relay
from modules.kernel import (
    Inbox,
    Module,
    ModuleContext,
    ModuleSettings,
    Transactions,
    Wiring,
)

CLOSE_TIMEOUT = 3.0


@dataclass(frozen=True)
class RunningModule:
    """One module as composed for this process: its database's transactions, relay, wiring."""

    module: Module[Any]
    transactions: Transactions
    relay: Relay
    wiring: Wiring


class Runtime:
    """Composes the selected modules, each on its own database; starts and stops their work.

    Composing connects to nothing (the clients connect on first use), so the app
    factory can do it before the event loop runs. `consume=False` runs a module
    without subscribing its listeners (the dramatiq worker process only writes
    the expiration module's outbox).
    """

    def __init__(
        self,
        settings: Settings,
        modules: Sequence[Module[Any]],
        module_settings: Mapping[str, ModuleSettings],
        *,
        mongo_url: str,
        redis_url: str,
        chaos: Chaos | None = None,
        consume: bool = True,
        archive: Archive | None = None,
        bus_concurrency: int = DEFAULT_CONCURRENCY,
    ):
        self.settings = settings
        self._mongo_url = mongo_url
        self._consume = consume
        self.archive = archive
        self._clients: dict[str, AsyncMongoClient[Any]] = {}
        self.bus: Bus = build_bus(settings, self.client, redis_url, chaos, bus_concurrency)
        self.modules: dict[str, RunningModule] = {}
        for module in modules:
            self.modules[module.name] = self._compose(
                module, module_settings[module.name], redis_url
            )

    @property
    def client(self) -> AsyncMongoClient[Any]:
        return self._client_for(self._mongo_url)

    def transactions(self, module: str) -> Transactions:
        return self.modules[module].transactions

    def databases(self) -> list[AsyncDatabase[Any]]:
        """Each module's own database, for the readiness probe."""
        return list(self.databases_by_module().values())

    def databases_by_module(self) -> dict[str, AsyncDatabase[Any]]:
        return {name: running.transactions.database for name, running in self.modules.items()}

    async def start(self) -> None:
        for running in self.modules.values():
            await init_beanie(
                database=running.transactions.database,
                document_models=list(running.module.documents),
            )
        for running in self.modules.values():  # before any event arrives: listeners use them
            with working_as(running.module.name):  # the services' tasks log as their module
                for service in running.wiring.services:
                    await service.start()
        if self._consume:
            for running in self.modules.values():
                inbox = Inbox(running.transactions, running.wiring.listeners)
                for subject in inbox.subjects:
                    self.bus.subscribe(running.module.name, subject, inbox.handler(subject))
        if self.archive:
            self.archive.subscribe(self.bus)
            await self.archive.start()
        await self.bus.start()
        for running in self.modules.values():
            with working_as(running.module.name):
                await running.relay.start()

    async def stop(self) -> None:
        for running in reversed(self.modules.values()):
            for service in reversed(running.wiring.services):
                await service.stop()
        for running in self.modules.values():
            await running.relay.stop()
        await self.bus.stop()
        if self.archive:
            await self.archive.stop()
        for client in self._clients.values():
            # close() ends server sessions; with Mongo gone it would wait for server selection.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.close(), CLOSE_TIMEOUT)
        self._clients.clear()

    def _client_for(self, url: str) -> AsyncMongoClient[Any]:
        if url not in self._clients:
            self._clients[url] = mongo_client(url)
        return self._clients[url]

    def _compose(
        self, module: Module[Any], settings: ModuleSettings, redis_url: str
    ) -> RunningModule:
        client = self._client_for(self.settings.mongo_urls.get(module.name, self._mongo_url))
        database = client[self.settings.database_name(module.name)]
        relay = Relay(database, self.bus)
        transactions = Transactions(client, database, module.name, on_commit=relay.committed)
        context = ModuleContext(
            name=module.name,
            settings=settings,
            transactions=transactions,
            redis_url=redis_url,
            namespace=self.settings.db_prefix,
            connect_redis=partial(redis_client, redis_url, decode_responses=False),
        )
        return RunningModule(module, transactions, relay, module.bootstrap(context))
