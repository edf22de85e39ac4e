"""The timeline page: the order's story for its buyer and its ticket's seller, and nobody else."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.pages.support import HTMX, Browser, text_of
from tests.support.apps import AppClient
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually

STEP = re.compile(r'<tr class="step".*?</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
OFFSET = re.compile(r"^\+\d+\.\d{3} s$")
TIME = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}$")


@pytest.fixture
async def browser(archived_client: AppClient) -> AsyncIterator[Callable[[], Awaitable[Browser]]]:
    opened: list[Browser] = []

    async def signed_up() -> Browser:
        opened.append(Browser(archived_client.app))
        await opened[-1].sign_up()
        return opened[-1]

    yield signed_up
    for one in opened:
        await one.close()


async def a_paid_order(client: AppClient, seller: Browser, buyer: Browser) -> str:
    ticket_id = await seller.sell("Opera night", "25.5")
    order_id = await buyer.purchase_once_known(ticket_id)
    await eventually(  # reserved before it is paid, so the story's steps have one order
        lambda: client.get(f"/api/tickets/{ticket_id}"),
        until=lambda response: response.json()["orderId"] == order_id,
    )
    paid = await eventually(  # payments hears of the order through the bus
        lambda: buyer.submit(
            f"/orders/{order_id}", f"/payments/{order_id}", htmx=True, card="4242424242424242"
        ),
        until=lambda response: "Order not found" not in response.text,
    )
    assert "Paid." in text_of(paid), paid.text
    await until_quiet(client.app)
    return order_id


def rows(html: str) -> list[list[str]]:
    """Each step's cells: what happened, the module, the time, the offset."""
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in CELL.findall(row)]
        for row in STEP.findall(html)
    ]


class TestTheTimelinePage:
    async def test_the_buyer_sees_every_event_in_order_with_module_and_offset(
        self, archived_client: AppClient, browser: Callable[[], Awaitable[Browser]]
    ) -> None:
        seller, buyer = await browser(), await browser()
        order_id = await a_paid_order(archived_client, seller, buyer)

        order_page = await buyer.get(f"/orders/{order_id}")
        page = await buyer.get(f"/timeline/{order_id}")

        assert f'href="/timeline/{order_id}"' in order_page.text
        assert page.status_code == 200
        steps = rows(page.text)
        assert [(what, module) for what, module, _, _ in steps] == [
            ("Order created", "orders"),
            ("Ticket reserved", "tickets"),
            ("Paid: the order is complete", "payments"),
        ]
        assert all(TIME.match(at) for _, _, at, _ in steps)
        assert all(OFFSET.match(after) for _, _, _, after in steps)
        offsets = [float(after.strip("+ s")) for _, _, _, after in steps]
        assert offsets[0] == 0.0 and offsets == sorted(offsets) and offsets[-1] > 0

    async def test_the_seller_sees_it_and_a_third_person_does_not(
        self, archived_client: AppClient, browser: Callable[[], Awaitable[Browser]]
    ) -> None:
        seller, buyer, stranger = await browser(), await browser(), await browser()
        order_id = await a_paid_order(archived_client, seller, buyer)

        as_seller = await seller.get(f"/timeline/{order_id}")
        as_stranger = await stranger.get(f"/timeline/{order_id}")
        stranger_fragment = await stranger.get(f"/timeline/{order_id}/events", **HTMX)

        assert as_seller.status_code == 200 and len(rows(as_seller.text)) == 3
        assert f'href="/timeline/{order_id}"' in (await seller.get("/tickets/mine")).text
        assert (as_stranger.status_code, stranger_fragment.status_code) == (404, 404)
        assert "Order created" not in as_stranger.text
        unknown = await stranger.get("/timeline/5f0000000000000000000000")
        assert unknown.status_code == 404 and "Order not found" in text_of(unknown)

    async def test_a_signed_out_visitor_gets_the_sign_in_page(
        self, archived_client: AppClient
    ) -> None:
        visitor = Browser(archived_client.app)
        try:
            response = await visitor.get("/timeline/5f0000000000000000000000")
        finally:
            await visitor.close()

        assert response.status_code == 303
        assert (
            response.headers["location"] == "/auth/signin?next=/timeline/5f0000000000000000000000"
        )


class TestTheEventsFragment:
    async def test_answers_304_until_an_event_joins_the_story(
        self, archived_client: AppClient, browser: Callable[[], Awaitable[Browser]]
    ) -> None:
        seller, buyer = await browser(), await browser()
        order_id = await buyer.purchase_once_known(await seller.sell())
        await until_quiet(archived_client.app)
        first = await buyer.get(f"/timeline/{order_id}/events", **HTMX)
        unchanged = await buyer.get(
            f"/timeline/{order_id}/events", **HTMX, **{"if-none-match": first.headers["etag"]}
        )
        await buyer.submit(f"/orders/{order_id}", f"/orders/{order_id}/cancel")
        await until_quiet(archived_client.app)
        grown = await buyer.get(
            f"/timeline/{order_id}/events", **HTMX, **{"if-none-match": first.headers["etag"]}
        )

        assert "<html" not in first.text and len(rows(first.text)) == 2
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert grown.status_code == 200
        assert [what for what, *_ in rows(grown.text)] == [
            "Order created",
            "Ticket reserved",
            "Order cancelled by the buyer",
            "Ticket released",
        ]
