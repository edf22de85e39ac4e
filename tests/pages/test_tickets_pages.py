"""Home, Sell Tickets, a ticket's page, Edit and My Tickets."""

from __future__ import annotations

from tests.pages.support import HTMX, Browser, csrf_token, text_of
from tests.support.waiting import eventually


class TestHome:
    async def test_lists_tickets_on_sale_with_two_decimals(
        self, seller: Browser, visitor: Browser
    ) -> None:
        ticket_id = await seller.sell("Opera night", "25.5")
        home = await visitor.get("/")

        assert f'<a href="/tickets/{ticket_id}">Opera night</a>' in home.text
        assert "25.50" in text_of(home)

    async def test_the_polled_list_is_304_until_it_changes(
        self, seller: Browser, visitor: Browser
    ) -> None:
        first = await visitor.get("/tickets/on-sale", **HTMX)
        etag = first.headers["etag"]
        unchanged = await visitor.get("/tickets/on-sale", **{**HTMX, "if-none-match": etag})
        await seller.sell("Jazz", "10")
        changed = await visitor.get("/tickets/on-sale", **{**HTMX, "if-none-match": etag})

        assert first.status_code == 200 and "<html" not in first.text
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert changed.status_code == 200 and "Jazz" in changed.text
        assert changed.headers["etag"] != etag
        assert changed.headers["cache-control"] == "no-store"

    async def test_each_viewer_gets_their_own_page_while_the_list_is_kept(
        self, seller: Browser, buyer: Browser, visitor: Browser
    ) -> None:
        await seller.sell("Opera night", "25.5")
        viewers = [seller, buyer, visitor]
        first = [await viewer.get("/") for viewer in viewers]
        again = [await viewer.get("/") for viewer in reversed(viewers)][::-1]

        for viewer, pages in zip(viewers, zip(first, again, strict=True), strict=True):
            for page in pages:
                assert "Opera night" in page.text
                if viewer is visitor:
                    assert "Sign In" in text_of(page) and "Sign Out" not in text_of(page)
                else:  # the Sign Out form carries this browser's own token
                    assert viewer.email in text_of(page)
                    assert csrf_token(page.text) == viewer.http.cookies["csrftoken"]
        assert seller.email not in text_of(again[1]) and buyer.email not in text_of(again[0])

    async def test_a_flash_shows_once_on_the_kept_home_page(self, seller: Browser) -> None:
        await seller.get("/")  # kept for this viewer
        await seller.submit("/auth/signout", "/auth/signout")
        await seller.sign_up()

        welcomed, later = await seller.get("/"), await seller.get("/")

        assert welcomed.text.count('role="status"') == 1
        assert 'role="status"' not in later.text
        assert seller.email in text_of(later)


class TestSell:
    async def test_a_visitor_is_sent_to_sign_in(self, visitor: Browser) -> None:
        response = await visitor.get("/tickets/new")

        assert response.status_code == 303
        assert response.headers["location"] == "/auth/signin?next=/tickets/new"

    async def test_bad_fields_are_shown_inline(self, seller: Browser) -> None:
        response = await seller.submit("/tickets/new", "/tickets/new", title=" ", price="abc")

        assert response.status_code == 400
        assert '<label for="title">Title</label>' in response.text
        assert 'id="title-error">Title is required' in response.text
        assert 'id="price-error">Price must be greater than 0' in response.text
        assert 'value="abc"' in response.text

    async def test_selling_leads_to_the_tickets_page(self, seller: Browser) -> None:
        ticket_id = await seller.sell("Ballet", "12")
        page = await seller.get(f"/tickets/{ticket_id}")

        assert "Your ticket is on sale." in text_of(page)
        assert "Ballet" in text_of(page) and "12.00" in text_of(page)


class TestTicketPage:
    async def test_the_owner_sees_edit_not_purchase(self, seller: Browser) -> None:
        page = await seller.get(f"/tickets/{await seller.sell()}")

        assert ">Edit</a>" in page.text and "Purchase" not in text_of(page)

    async def test_another_person_sees_purchase(self, seller: Browser, buyer: Browser) -> None:
        page = await buyer.get(f"/tickets/{await seller.sell()}")

        assert "Purchase" in text_of(page) and ">Edit</a>" not in page.text

    async def test_a_visitor_is_offered_sign_in(self, seller: Browser, visitor: Browser) -> None:
        ticket_id = await seller.sell()
        page = await visitor.get(f"/tickets/{ticket_id}")

        assert f'href="/auth/signin?next=/tickets/{ticket_id}"' in page.text
        assert "Purchase" not in text_of(page)

    async def test_a_reserved_ticket_says_why_it_cannot_be_bought(
        self, seller: Browser, buyer: Browser, visitor: Browser
    ) -> None:
        ticket_id = await seller.sell()
        await buyer.purchase_once_known(ticket_id)
        await visitor.sign_up()

        page = await eventually(
            lambda: visitor.get(f"/tickets/{ticket_id}"),
            until=lambda p: "reserved" in text_of(p),
        )
        assert "This ticket is reserved, so it cannot be purchased now." in text_of(page)


class TestEdit:
    async def test_the_owner_edits_title_and_price(self, seller: Browser) -> None:
        ticket_id = await seller.sell("Old title", "5")
        form = await seller.get(f"/tickets/{ticket_id}/edit")
        response = await seller.submit(
            f"/tickets/{ticket_id}/edit", f"/tickets/{ticket_id}/edit", title="New", price="7.25"
        )

        assert 'value="Old title"' in form.text and 'value="5.00"' in form.text
        assert response.status_code == 303
        page = await seller.get(f"/tickets/{ticket_id}")
        assert "New" in text_of(page) and "7.25" in text_of(page)

    async def test_someone_else_may_not(self, seller: Browser, buyer: Browser) -> None:
        response = await buyer.get(f"/tickets/{await seller.sell()}/edit")

        assert response.status_code == 403
        assert "Only the seller can edit this ticket" in text_of(response)

    async def test_bad_fields_are_shown_inline(self, seller: Browser) -> None:
        ticket_id = await seller.sell()
        response = await seller.submit(
            f"/tickets/{ticket_id}/edit", f"/tickets/{ticket_id}/edit", title="Ok", price="0"
        )

        assert response.status_code == 400
        assert 'id="price-error">Price must be greater than 0' in response.text

    async def test_a_reserved_ticket_is_refused_with_the_reason(
        self, seller: Browser, buyer: Browser
    ) -> None:
        ticket_id = await seller.sell()
        await buyer.purchase_once_known(ticket_id)
        await eventually(
            lambda: seller.get(f"/tickets/{ticket_id}"), until=lambda p: "reserved" in p.text
        )

        response = await seller.submit(
            f"/tickets/{ticket_id}/edit", f"/tickets/{ticket_id}/edit", title="X", price="9"
        )

        assert response.status_code == 400
        assert "Cannot edit a reserved ticket" in text_of(response)


class TestMyTickets:
    async def test_lists_mine_with_their_state(self, seller: Browser, buyer: Browser) -> None:
        await seller.sell("Kept", "3")
        reserved = await seller.sell("Wanted", "4")
        await buyer.purchase_once_known(reserved)

        page = await eventually(
            lambda: seller.get("/tickets/mine"), until=lambda p: "reserved" in text_of(p)
        )
        words = text_of(page)
        assert "Wanted 4.00 reserved" in words and "Kept 3.00 on sale" in words
        assert words.index("Wanted") < words.index("Kept"), "newest first"

    async def test_a_visitor_is_sent_to_sign_in(self, visitor: Browser) -> None:
        response = await visitor.get("/tickets/mine")

        assert response.headers["location"] == "/auth/signin?next=/tickets/mine"
