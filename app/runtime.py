"""Connections and background work of one running app: Mongo, the bus, relays, module hooks."""

from __future__ import annotations

from collections.abc import Sequence

from beanie import init_beanie
from pymongo import AsyncMongoClient

from app.settings import Settings
from bus import Bus, Relay, RetryPolicy, Transactions, inbox_guarded
from bus.inprocess import Chaos, InProcessBus
from bus.redis_streams import RedisStreamsBus
from modules.kernel import Module, ModuleContext


class Runtime:
    def __init__(
        self,
        settings: Settings,
        modules: Sequence[Module],
        *,
        mongo_url: str,
        redis_url: str,
        chaos: Chaos | None = None,
    ):
        self.settings = settings
        self.modules = list(modules)
        self._mongo_url = mongo_url
        self._redis_url = redis_url
        self._chaos = chaos
        self.contexts: dict[str, ModuleContext] = {}
        self.relays: dict[str, Relay] = {}
        self.bus: Bus | None = None
        self.client: AsyncMongoClient | None = None

    def transactions(self, module: str) -> Transactions:
        return self.contexts[module].transactions

    async def start(self) -> None:
        self.client = AsyncMongoClient(self._mongo_url, tz_aware=True)
        self.bus = self._build_bus(self.client)
        for module in self.modules:
            await self._start_module(module, self.client, self.bus)
        await self.bus.start()
        for relay in self.relays.values():
            await relay.start()
        for module in self.modules:
            for hook in module.on_startup:
                await hook(self.contexts[module.name])

    async def stop(self) -> None:
        for module in reversed(self.modules):
            for hook in module.on_shutdown:
                await hook(self.contexts[module.name])
        for relay in self.relays.values():
            await relay.stop()
        if self.bus:
            await self.bus.stop()
        if self.client:
            await self.client.close()

    def _build_bus(self, client: AsyncMongoClient) -> Bus:
        retry = RetryPolicy(max_attempts=self.settings.bus_max_attempts)
        if self.settings.bus == "redis":
            return RedisStreamsBus(
                self._redis_url,
                namespace=self.settings.db_prefix,
                instance=self.settings.instance,
                retry=retry,
            )
        return InProcessBus(
            client[self.settings.database_name("bus")], retry=retry, chaos=self._chaos
        )

    async def _start_module(self, module: Module, client: AsyncMongoClient, bus: Bus) -> None:
        database = client[self.settings.database_name(module.name)]
        await init_beanie(database=database, document_models=list(module.documents))
        relay = Relay(database, bus)
        transactions = Transactions(client, database, module.name, on_commit=relay.wake)
        self.relays[module.name] = relay
        self.contexts[module.name] = ModuleContext(
            module.name, database, transactions, self.settings, self._redis_url
        )
        for event_type, listener in module.listeners.items():
            bus.subscribe(module.name, event_type.subject, inbox_guarded(transactions, listener))
