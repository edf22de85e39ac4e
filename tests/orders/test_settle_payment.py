from __future__ import annotations

from tests.orders.support import announced, await_status, cancel, fresh_order, pay_for, show
from tests.support.api import accounts, await_ticket_holder, ticket_holder
from tests.support.apps import AppClient
from tests.support.events import envelope, payment_created, publish
from tests.support.quiet import until_quiet


class TestSettlePayment:
    async def test_a_payment_completes_the_order_and_the_ticket_stays_held(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        await await_ticket_holder(client, order["ticket"]["id"], order["id"])

        await pay_for(client, order["id"])

        await await_status(client, order["id"], "complete")
        await until_quiet(client.app)
        shown = await show(client, buyer, order["id"])
        assert (shown["status"], shown["version"]) == ("complete", 1)
        assert await ticket_holder(client, order["ticket"]["id"]) == order["id"]

    async def test_a_repeated_payment_event_completes_the_order_once(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        paid = payment_created(order["id"], charge_id="ch_1")
        first = envelope(paid)

        await publish(client, first, first, envelope(paid))
        await until_quiet(client.app)

        shown = await show(client, buyer, order["id"])
        assert (shown["status"], shown["version"]) == ("complete", 1)
        assert await client.app.state.runtime.bus.dead_letters("orders") == []

    async def test_a_payment_after_cancellation_leaves_the_order_cancelled_and_says_so_again(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        assert (await cancel(client, buyer, order["id"])).status_code == 204

        await pay_for(client, order["id"])
        await until_quiet(client.app)

        shown = await show(client, buyer, order["id"])
        assert (shown["status"], shown["version"]) == ("cancelled", 1)
        # Payments refunds a charge on a cancelled order when it hears the cancellation.
        assert len(await announced(client, "order.cancelled", order["id"])) == 2
