"""Connections and background work of one running app: Mongo, the bus, relays, module hooks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from beanie import init_beanie
from pymongo import AsyncMongoClient

from app.buses import build_bus
from app.settings import Settings
from bus import Bus, Relay, Transactions, inbox_guarded
from bus.archive import Archive
from bus.inprocess import Chaos
from modules.kernel import Module, ModuleContext

CLOSE_TIMEOUT = 3.0


class Runtime:
    """Starts the selected modules: each on its own database, with its relay and listeners.

    `consume=False` runs a module without subscribing its listeners (the
    dramatiq worker process only writes the expiration module's outbox).
    """

    def __init__(
        self,
        settings: Settings,
        modules: Sequence[Module],
        *,
        mongo_url: str,
        redis_url: str,
        chaos: Chaos | None = None,
        consume: bool = True,
        archive: Archive | None = None,
    ):
        self.settings = settings
        self.modules = list(modules)
        self._mongo_url = mongo_url
        self._redis_url = redis_url
        self._chaos = chaos
        self._consume = consume
        self.archive = archive
        self._clients: dict[str, AsyncMongoClient] = {}
        self.contexts: dict[str, ModuleContext] = {}
        self.relays: dict[str, Relay] = {}
        self.bus: Bus | None = None

    @property
    def client(self) -> AsyncMongoClient:
        return self._client_for(self._mongo_url)

    def transactions(self, module: str) -> Transactions:
        return self.contexts[module].transactions

    async def start(self) -> None:
        self.bus = build_bus(self.settings, self.client, self._redis_url, self._chaos)
        for module in self.modules:
            await self._start_module(module, self.bus)
        for module in self.modules:  # before any event arrives: hooks set up what listeners use
            for hook in module.on_startup:
                await hook(self.contexts[module.name])
        if self.archive:
            self.archive.subscribe(self.bus)
            await self.archive.start()
        await self.bus.start()
        for relay in self.relays.values():
            await relay.start()

    async def stop(self) -> None:
        for module in reversed(self.modules):
            for hook in module.on_shutdown:
                await hook(self.contexts[module.name])
        for relay in self.relays.values():
            await relay.stop()
        if self.bus:
            await self.bus.stop()
        if self.archive:
            await self.archive.stop()
        for client in self._clients.values():
            # close() ends server sessions; with Mongo gone it would wait for server selection.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.close(), CLOSE_TIMEOUT)
        self._clients.clear()

    def _client_for(self, url: str) -> AsyncMongoClient:
        if url not in self._clients:
            self._clients[url] = AsyncMongoClient(url, tz_aware=True)
        return self._clients[url]

    async def _start_module(self, module: Module, bus: Bus) -> None:
        client = self._client_for(self.settings.mongo_urls.get(module.name, self._mongo_url))
        database = client[self.settings.database_name(module.name)]
        await init_beanie(database=database, document_models=list(module.documents))
        relay = Relay(database, bus)
        transactions = Transactions(client, database, module.name, on_commit=relay.wake)
        self.relays[module.name] = relay
        self.contexts[module.name] = ModuleContext(
            module.name, database, transactions, self.settings, self._redis_url
        )
        if self._consume:
            for event_type, listener in module.listeners.items():
                handler = inbox_guarded(transactions, listener)
                bus.subscribe(module.name, event_type.subject, handler)
