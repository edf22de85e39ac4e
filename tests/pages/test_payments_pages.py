"""The Pay form on the order page: test card numbers, with and without htmx."""

from __future__ import annotations

import httpx
import pytest

from tests.pages.support import Browser, text_of
from tests.support.waiting import eventually


async def open_order(seller: Browser, buyer: Browser) -> str:
    order_id = await buyer.purchase_once_known(await seller.sell("Opera night", "25.5"))
    await eventually(  # payments hears of the order through the bus
        lambda: pay(buyer, order_id, "4000000000000002"),
        until=lambda r: "Order not found" not in r.text,
    )
    return order_id


async def pay(buyer: Browser, order_id: str, card: str, htmx: bool = True) -> httpx.Response:
    return await buyer.submit(f"/orders/{order_id}", f"/payments/{order_id}", htmx, card=card)


class TestPayWithHtmx:
    async def test_4242_is_paid_and_the_order_completes(
        self, seller: Browser, buyer: Browser
    ) -> None:
        order_id = await open_order(seller, buyer)
        response = await pay(buyer, order_id, "4242 4242 4242 4242")

        assert response.status_code == 200
        assert "Paid." in text_of(response) and "<html" not in response.text
        orders = await eventually(
            lambda: buyer.get("/orders"), until=lambda p: "Opera night 25.50 Complete" in text_of(p)
        )
        assert "Awaiting payment" not in text_of(orders)

    @pytest.mark.parametrize(
        ("card", "message"),
        [
            ("4000 0000 0000 0002", "Your card was declined."),
            ("4000 0000 0000 9995", "Your card has insufficient funds."),
        ],
    )
    async def test_a_declined_card_shows_why_and_the_form_stays(
        self, seller: Browser, buyer: Browser, card: str, message: str
    ) -> None:
        order_id = await open_order(seller, buyer)
        declined = await pay(buyer, order_id, card)
        retried = await pay(buyer, order_id, "4242424242424242")

        assert declined.status_code == 402
        assert f'id="card-error">{message}' in declined.text
        assert '<form id="pay"' in declined.text
        assert "Paid." in text_of(retried)

    async def test_an_unknown_number_is_an_inline_error(
        self, seller: Browser, buyer: Browser
    ) -> None:
        order_id = await open_order(seller, buyer)
        response = await pay(buyer, order_id, "1234")

        assert response.status_code == 400
        assert 'id="card-error">Use a test card number' in response.text


class TestPayWithoutJavaScript:
    async def test_paid_is_a_redirect_to_the_order_with_a_notice(
        self, seller: Browser, buyer: Browser
    ) -> None:
        order_id = await open_order(seller, buyer)
        response = await pay(buyer, order_id, "4242424242424242", htmx=False)

        assert response.status_code == 303
        assert response.headers["location"] == f"/orders/{order_id}"
        assert "Paid. The ticket is yours." in text_of(await buyer.get(f"/orders/{order_id}"))

    async def test_declined_is_a_redirect_back_with_the_message(
        self, seller: Browser, buyer: Browser
    ) -> None:
        order_id = await open_order(seller, buyer)
        await pay(buyer, order_id, "4000000000000002", htmx=False)

        page = await buyer.get(f"/orders/{order_id}")
        assert "Your card was declined." in text_of(page) and "Card number" in text_of(page)

    async def test_a_visitor_is_sent_to_sign_in(self, visitor: Browser) -> None:
        response = await visitor.submit(
            "/auth/signin", "/payments/5f0000000000000000000000", card="4242"
        )

        assert response.status_code == 303
        assert response.headers["location"].startswith("/auth/signin?next=")
