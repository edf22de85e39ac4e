from __future__ import annotations

from bus import ExpirationComplete
from tests.orders.support import announced, await_status, fresh_order, show
from tests.support.api import accounts, await_ticket_holder
from tests.support.apps import AppClient
from tests.support.events import publish
from tests.support.quiet import until_quiet


class TestExpireOrder:
    async def test_an_unpaid_order_expires_and_releases_its_ticket(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        await await_ticket_holder(client, order["ticket"]["id"], order["id"])

        await publish(client, ExpirationComplete(order_id=order["id"]))

        await await_status(client, order["id"], "cancelled")
        await await_ticket_holder(client, order["ticket"]["id"], None)
        [envelope] = await announced(client, "order.cancelled", order["id"])
        assert envelope["payload"]["reason"] == "expired"
        assert (await show(client, buyer, order["id"]))["cancelReason"] == "expired"

    async def test_a_repeated_expiration_cancels_once(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)

        for _ in range(3):
            await publish(client, ExpirationComplete(order_id=order["id"]))
        await until_quiet(client.app)

        shown = await show(client, buyer, order["id"])
        assert (shown["status"], shown["version"]) == ("cancelled", 1)
        assert len(await announced(client, "order.cancelled", order["id"])) == 1

    async def test_an_order_the_buyer_cancelled_is_not_cancelled_again(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        await client.delete(f"/api/orders/{order['id']}", headers=buyer.headers)

        await publish(client, ExpirationComplete(order_id=order["id"]))
        await until_quiet(client.app)

        shown = await show(client, buyer, order["id"])
        assert (shown["version"], shown["cancelReason"]) == (1, "buyer")
        assert len(await announced(client, "order.cancelled", order["id"])) == 1
