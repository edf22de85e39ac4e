"""The first page of GET /api/tickets is kept in memory and checked against a version in Redis:
never stale for whoever changed a ticket, through the API or an event, on any replica."""

from __future__ import annotations

import time

from bson import ObjectId
from redis.asyncio import Redis

from tests.support.api import create_ticket, sign_up
from tests.support.apps import AppClient, runtime_of
from tests.support.databases import database
from tests.support.waiting import eventually
from tests.tickets.support import listed_ids, reserve


async def a_ticket_stored_by_another_replica(client: AppClient) -> str:
    """What another replica's commit leaves: the document (the bump comes separately)."""
    ticket_id = ObjectId()
    document = {"_id": ticket_id, "title": "Elsewhere", "price": 500, "user_id": "u", "version": 0}
    await database(client, "tickets")["tickets"].insert_one(document | {"order_id": None})
    return str(ticket_id)


async def bump(client: AppClient) -> None:
    """Another replica's bump after its commit."""
    settings = runtime_of(client).settings
    redis = Redis.from_url(settings.redis_url or "")
    await redis.incr(f"{settings.db_prefix}:tickets:listing-version")
    await redis.aclose()


class TestListingCache:
    async def test_a_created_ticket_is_listed_by_the_next_request(self, client: AppClient) -> None:
        seller = await sign_up(client)
        before = await listed_ids(client)  # the page is now cached

        ticket = await create_ticket(client, seller)

        assert await listed_ids(client) == [*before, ticket["id"]]

    async def test_a_ticket_reserved_through_an_event_leaves_the_listing_at_once(
        self, client: AppClient
    ) -> None:
        ticket = await create_ticket(client, await sign_up(client))
        assert ticket["id"] in await listed_ids(client)

        await reserve(client, ticket["id"])

        assert ticket["id"] not in await listed_ids(client)

    async def test_a_change_another_replica_announced_is_listed_at_once(
        self, client: AppClient
    ) -> None:
        await listed_ids(client)
        ticket_id = await a_ticket_stored_by_another_replica(client)

        await bump(client)

        assert ticket_id in await listed_ids(client)

    async def test_a_change_never_announced_is_listed_within_a_second(
        self, client: AppClient
    ) -> None:
        """Its replica died between the commit and the bump: the cache expires anyway."""
        await listed_ids(client)
        ticket_id = await a_ticket_stored_by_another_replica(client)
        stored_at = time.monotonic()

        await eventually(lambda: listed_ids(client), until=lambda ids: ticket_id in ids)

        assert time.monotonic() - stored_at < 1.5


class TestListingETag:
    async def test_the_same_page_asked_with_its_etag_is_a_304_without_a_body(
        self, client: AppClient
    ) -> None:
        await create_ticket(client, await sign_up(client))
        first = await client.get("/api/tickets")

        again = await client.get("/api/tickets", headers={"if-none-match": first.headers["etag"]})

        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == first.headers["etag"]

    async def test_after_a_change_the_old_etag_gets_the_new_page(self, client: AppClient) -> None:
        seller = await sign_up(client)
        await create_ticket(client, seller)
        first = await client.get("/api/tickets")
        ticket = await create_ticket(client, seller)

        again = await client.get("/api/tickets", headers={"if-none-match": first.headers["etag"]})

        assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]
        assert ticket["id"] in [listed["id"] for listed in again.json()]

    async def test_without_redis_the_listing_is_read_from_mongo(self, client: AppClient) -> None:
        ticket = await create_ticket(client, await sign_up(client))
        [cache] = runtime_of(client).modules["tickets"].wiring.services
        # The cache cut off its Redis: nothing listens on port 1.
        reachable, cache._redis = cache._redis, Redis.from_url("redis://127.0.0.1:1")

        try:
            assert ticket["id"] in await listed_ids(client)
        finally:
            await cache._redis.aclose()
            cache._redis = reachable
