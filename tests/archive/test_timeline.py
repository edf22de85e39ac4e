"""The archive of real flows: one correlation id's events in order, and each order's story."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bus.archive import Archive, ArchivedEvent, ArchiveStore
from tests.archive.flows import Shopper
from tests.archive.support import archived_app
from tests.support.api import sign_up
from tests.support.apps import AppClient, running
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls


def story(events: list[ArchivedEvent]) -> list[tuple[str, str]]:
    return [(event.subject, event.envelope.producer) for event in events]


def every_published_event_id(client: AppClient) -> set[str]:
    """What the test's own recording group heard: the archive's oracle."""
    return set(client.events.published)


class TestAPurchase:
    async def test_is_archived_once_in_order_under_its_correlation_id(
        self, archived_client: AppClient, store: ArchiveStore
    ) -> None:
        client = archived_client
        seller = Shopper(client, await sign_up(client))
        buyer = Shopper(client, await sign_up(client), seller.correlation_id)

        ticket = await seller.sell()
        order = await buyer.order(ticket["id"])
        await buyer.until_holder(ticket["id"], order["id"])
        await buyer.pay(order["id"])
        await buyer.until_status(order["id"], "complete")
        await until_quiet(client.app)  # every delivery of every group done, the archive's too

        archived = await store.by_correlation(seller.correlation_id)
        assert story(archived) == [
            ("ticket.created", "tickets"),
            ("order.created", "orders"),
            ("ticket.updated", "tickets"),
            ("payment.created", "payments"),
        ]
        assert {e.event_id for e in await store.after(0)} == every_published_event_id(client)
        assert story(await store.timeline(order["id"])) == [
            ("order.created", "orders"),
            ("ticket.updated", "tickets"),
            ("payment.created", "payments"),
        ]


class TestACancelledOrdersTimeline:
    async def test_holds_its_own_release_and_not_the_next_buyers_events(
        self, archived_client: AppClient, store: ArchiveStore
    ) -> None:
        client = archived_client
        seller = Shopper(client, await sign_up(client))
        first, second = [Shopper(client, await sign_up(client)) for _ in range(2)]
        ticket = await seller.sell()
        first_order = await first.order(ticket["id"])
        await first.until_holder(ticket["id"], first_order["id"])
        first.correlation_id = "cancel-" + first.correlation_id
        await first.cancel(first_order["id"])
        await first.until_holder(ticket["id"], None)
        second_order = await second.order(ticket["id"])
        await second.cancel(second_order["id"])
        await until_quiet(client.app)

        timeline = await store.timeline(first_order["id"])

        assert story(timeline) == [
            ("order.created", "orders"),
            ("ticket.updated", "tickets"),
            ("order.cancelled", "orders"),
            ("ticket.updated", "tickets"),
        ]
        reserved, released = timeline[1].envelope.payload, timeline[3].envelope.payload
        assert (reserved["order_id"], released["order_id"]) == (first_order["id"], None)
        assert timeline[3].envelope.correlation_id == first.correlation_id


@pytest.fixture
async def short_ttl_client(
    servers: ServerUrls, prefix: str, archive: Archive
) -> AsyncIterator[AppClient]:
    async with running(archived_app(servers, prefix, archive, order_ttl=1)) as client:
        yield client


class TestAnExpiredOrdersTimeline:
    async def test_runs_from_created_to_released_through_the_expiry(
        self, short_ttl_client: AppClient, store: ArchiveStore
    ) -> None:
        client = short_ttl_client
        seller = Shopper(client, await sign_up(client))
        buyer = Shopper(client, await sign_up(client))
        ticket = await seller.sell()
        order = await buyer.order(ticket["id"])

        await buyer.until_status(order["id"], "cancelled")
        await buyer.until_holder(ticket["id"], None)
        await until_quiet(client.app)

        assert story(await store.timeline(order["id"])) == [
            ("order.created", "orders"),
            ("ticket.updated", "tickets"),
            ("expiration.complete", "expiration"),
            ("order.cancelled", "orders"),
            ("ticket.updated", "tickets"),
        ]
