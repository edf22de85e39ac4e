"""Purchase, the order page, Cancel order and My Orders."""

from __future__ import annotations

from bus import ExpirationComplete
from tests.pages.support import HTMX, Browser, flash_of, text_of
from tests.support.apps import AppClient
from tests.support.events import publish
from tests.support.waiting import eventually


class TestPurchase:
    async def test_purchase_leads_to_the_order_page(self, seller: Browser, buyer: Browser) -> None:
        order_id = await buyer.purchase_once_known(await seller.sell("Opera night", "25.5"))
        page = await buyer.get(f"/orders/{order_id}")

        words = text_of(page)
        assert page.status_code == 200
        assert "Opera night" in words and "25.50" in words
        assert "Status: Awaiting payment" in words and "Time left to pay" in words
        assert 'data-expires-in="' in page.text
        assert '<label for="card">Card number</label>' in page.text
        assert "Cancel order" in words

    async def test_the_seller_cannot_buy_their_own(self, seller: Browser) -> None:
        ticket_id = await seller.sell()
        response = await eventually(
            lambda: seller.purchase(ticket_id),
            until=lambda r: "just yet" not in flash_of(r),
        )
        back = await seller.get(response.headers["location"])

        assert response.headers["location"] == f"/tickets/{ticket_id}"
        assert "You cannot buy your own ticket" in text_of(back)

    async def test_a_visitor_is_sent_to_sign_in(self, visitor: Browser) -> None:
        response = await visitor.get("/orders/5f0000000000000000000000")

        assert response.headers["location"] == "/auth/signin?next=/orders/5f0000000000000000000000"


class TestOrderPage:
    async def test_someone_elses_order_is_forbidden(self, seller: Browser, buyer: Browser) -> None:
        order_id = await buyer.purchase_once_known(await seller.sell())
        response = await seller.get(f"/orders/{order_id}")

        assert response.status_code == 403
        assert "This order belongs to another user" in text_of(response)

    async def test_the_state_fragment_counts_down_while_open(
        self, seller: Browser, buyer: Browser
    ) -> None:
        order_id = await buyer.purchase_once_known(await seller.sell())
        fragment = await buyer.get(f"/orders/{order_id}/state", **HTMX)

        assert "<html" not in fragment.text
        assert f'hx-get="/orders/{order_id}/state"' in fragment.text
        assert "Awaiting payment" in text_of(fragment)

    async def test_cancelling_closes_the_order(self, seller: Browser, buyer: Browser) -> None:
        order_id = await buyer.purchase_once_known(await seller.sell())
        response = await buyer.submit(f"/orders/{order_id}", f"/orders/{order_id}/cancel")
        page = await buyer.get(f"/orders/{order_id}")

        assert response.status_code == 303
        words = text_of(page)
        assert "Your order is cancelled." in words and "Status: Cancelled" in words
        assert "Card number" not in words and "hx-get" not in page.text

    async def test_an_expired_order_says_expired_even_before_its_window_ends(
        self, client: AppClient, seller: Browser, buyer: Browser
    ) -> None:
        """Expiry and the buyer's cancel are told apart by the reason orders records, not by
        the clock (here the expiry is announced while the window is still open)."""
        order_id = await buyer.purchase_once_known(await seller.sell("Opera night", "25.5"))
        await publish(client, ExpirationComplete(order_id=order_id))

        page = await eventually(
            lambda: buyer.get(f"/orders/{order_id}"),
            until=lambda p: "Awaiting payment" not in text_of(p),
        )

        assert "Status: Expired" in text_of(page)
        assert "the time to pay ran out" in text_of(page)
        assert "Opera night 25.50 Expired" in text_of(await buyer.get("/orders"))


class TestMyOrders:
    async def test_newest_first_with_title_price_and_status(
        self, seller: Browser, buyer: Browser
    ) -> None:
        first = await buyer.purchase_once_known(await seller.sell("First", "1"))
        await buyer.submit(f"/orders/{first}", f"/orders/{first}/cancel")
        await buyer.purchase_once_known(await seller.sell("Second", "2"))

        words = text_of(await buyer.get("/orders"))

        assert "Second 2.00 Awaiting payment" in words and "First 1.00 Cancelled" in words
        assert words.index("Second") < words.index("First")

    async def test_none_yet(self, buyer: Browser) -> None:
        assert "No orders yet." in text_of(await buyer.get("/orders"))
