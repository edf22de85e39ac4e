"""Payment after the order's window is refused, even before the expiry has been heard."""

from __future__ import annotations

from modules.payments.providers import LocalProvider
from tests.payments.support import known_order, pay, payment_of
from tests.support.api import error_messages, sign_up
from tests.support.apps import AppClient


class TestPaymentWindow:
    async def test_an_order_past_its_expiry_gets_400_and_nothing_is_charged(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id, window=-1)

        response = await pay(client, buyer.headers, order_id)

        assert response.status_code == 400
        assert error_messages(response) == ["Cannot pay for an expired order"]
        assert provider.charges == {}
        assert await payment_of(client, order_id) is None

    async def test_an_order_inside_its_window_is_paid(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id, window=60)

        assert (await pay(client, buyer.headers, order_id)).status_code == 201
        assert len(provider.charges) == 1
