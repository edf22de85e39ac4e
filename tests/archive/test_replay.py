"""Replicas rebuilt from the archive: wiped, replayed by `ticketing events replay`, equal again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bus.archive import ArchiveStore
from tests.archive.flows import Shopper
from tests.archive.stores import StoreUnderTest
from tests.archive.support import environment, ticketing
from tests.support.api import sign_up
from tests.support.apps import AppClient
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

REBUILT = {
    "orders": ("ticket_replicas", ["ticket.created", "ticket.updated"]),
    "payments": ("order_replicas", ["order.created", "order.cancelled"]),
}


def database(client: AppClient, module: str) -> Any:
    return client.app.state.runtime.transactions(module).database


async def replicas(client: AppClient) -> dict[str, list[dict[str, Any]]]:
    return {
        module: await database(client, module)[collection].find({}).sort("_id").to_list()
        for module, (collection, _) in REBUILT.items()
    }


async def some_history(client: AppClient) -> None:
    """Tickets listed, edited, ordered and paid, ordered and cancelled: versions past 0."""
    seller = Shopper(client, await sign_up(client))
    buyer = Shopper(client, await sign_up(client))
    edited, paid, cancelled = [await seller.sell(f"T{n}") for n in range(3)]
    await seller.edit(edited["id"], "Edited", 30)
    order = await buyer.order(paid["id"])
    await buyer.pay(order["id"])
    await buyer.until_status(order["id"], "complete")
    other = await buyer.order(cancelled["id"])
    await buyer.until_holder(cancelled["id"], other["id"])
    await buyer.cancel(other["id"])
    await buyer.until_holder(cancelled["id"], None)
    await until_quiet(client.app)


async def forget(client: AppClient, store: ArchiveStore) -> None:
    """What a rebuild starts from: the replica gone, and its events' inbox entries with it."""
    for module, (collection, subjects) in REBUILT.items():
        ids = [event.event_id for event in await store.after(0, subjects=subjects)]
        await database(client, module)[collection].delete_many({})
        await database(client, module)["inbox"].delete_many({"_id": {"$in": ids}})


class TestReplayRebuildsReplicas:
    async def test_wiped_replicas_replayed_from_the_archive_equal_what_they_were(
        self,
        archived_client: AppClient,
        store: ArchiveStore,
        target: StoreUnderTest,
        servers: ServerUrls,
        prefix: str,
        tmp_path: Path,
    ) -> None:
        client = archived_client
        await some_history(client)
        before = await replicas(client)
        assert sorted(r["version"] for r in before["orders"]) == [1, 1, 2]
        assert sorted(r["status"] for r in before["payments"]) == ["cancelled", "created"]
        await forget(client, store)
        assert await replicas(client) == {"orders": [], "payments": []}

        env = environment(servers, prefix, target, tmp_path)
        for group in REBUILT:
            code, output = await ticketing(env, "events", "replay", "--group", group)
            assert code == 0, output

        after = await eventually(
            lambda: replicas(client), until=lambda now: now == before, timeout=30
        )
        assert after == before
        await until_quiet(client.app)
        assert await client.app.state.runtime.bus.dead_letters() == []
