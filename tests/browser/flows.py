"""The marketplace as two people use it, in the page's own words; run against any deployment."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.people import DESKTOP, PHONE, Person

LIVE_WITHIN_MS = 2_000  # the home page follows a reservation this fast (issue 10)


def sell_buy_and_pay(chromium: Browser, base_url: str, screenshots: Path | None = None) -> float:
    """One person sells on a desktop; another buys on a phone, is declined once, then pays.
    Returns how long the seller's open home page took to drop the reserved ticket."""
    seller = Person(chromium, base_url, DESKTOP, "seller")
    buyer = Person(chromium, base_url, PHONE, "buyer")
    try:
        seller.sign_up()
        seller.sell("Opera night", "25.5")
        expect(seller.page.get_by_role("link", name="Edit")).to_be_visible()
        expect(seller.page.get_by_role("button", name="Purchase")).to_have_count(0)
        seller.page.goto("/")
        seller.mark_page()
        listed = seller.page.get_by_role("link", name="Opera night")
        expect(listed).to_be_visible()
        expect(seller.page.get_by_text("25.50")).to_be_visible()

        buyer.sign_up()
        buyer.purchase("Opera night")
        reserved_at = time.monotonic()
        expect(listed).to_have_count(0, timeout=LIVE_WITHIN_MS)
        dropped_after = time.monotonic() - reserved_at
        assert seller.was_not_reloaded()

        countdown = buyer.page.locator(".countdown")
        expect(buyer.page.get_by_text("Time left to pay")).to_be_visible()
        shown = countdown.inner_text()
        expect(countdown).not_to_have_text(shown, timeout=3_000)

        buyer.mark_page()
        buyer.pay("4000 0000 0000 0002")
        expect(buyer.page.get_by_text("Your card was declined.")).to_be_visible()
        buyer.pay("4242 4242 4242 4242")
        expect(buyer.page.get_by_text(re.compile("^Paid")).first).to_be_visible()
        assert buyer.was_not_reloaded()
        expect(buyer.page.get_by_text("Status: Complete")).to_be_visible(timeout=10_000)

        buyer.page.get_by_role("link", name="My Orders").click()
        paid = buyer.page.get_by_role("row", name=re.compile("Opera night.*Complete"))
        expect(paid).to_be_visible()
        seller.page.get_by_role("link", name="My Tickets").click()
        sold = seller.page.get_by_role("row", name=re.compile("Opera night.*sold"))
        expect(sold).to_be_visible(timeout=10_000)
        if screenshots is not None:
            paid.get_by_role("link").click()
            gallery(chromium, base_url, seller, buyer, screenshots)
        return dropped_after
    finally:
        seller.close()
        buyer.close()


def an_unpaid_order_expires(chromium: Browser, base_url: str) -> None:
    """With a short window: the order page says Expired by itself and the ticket is back."""
    seller = Person(chromium, base_url, DESKTOP, "seller")
    buyer = Person(chromium, base_url, PHONE, "buyer")
    try:
        seller.sign_up()
        seller.sell("Late show", "9")
        seller.page.goto("/")
        listed = seller.page.get_by_role("link", name="Late show")
        buyer.sign_up()
        buyer.purchase("Late show")
        expect(listed).to_have_count(0, timeout=LIVE_WITHIN_MS)
        buyer.mark_page()

        expect(buyer.page.get_by_text("Status: Expired")).to_be_visible(timeout=30_000)
        expect(buyer.page.get_by_label("Card number")).to_have_count(0)
        assert buyer.was_not_reloaded()
        expect(listed).to_be_visible(timeout=30_000)
        buyer.page.get_by_role("link", name="My Orders").click()
        expired = buyer.page.get_by_role("row", name=re.compile("Late show.*Expired"))
        expect(expired).to_be_visible()
    finally:
        seller.close()
        buyer.close()


BUYER_PAGES = {
    "home": "/",
    "ticket": "/tickets/{on_sale}",
    "order-open": "/orders/{open}",
    "order-paid": "/orders/{paid}",
    "my-orders": "/orders",
    "timeline": "/timeline/{paid}",
}
SELLER_PAGES = {"sell": "/tickets/new", "my-tickets": "/tickets/mine"}


def gallery(chromium: Browser, base_url: str, seller: Person, buyer: Person, folder: Path) -> None:
    """Each main page on a desktop and on a phone, with something on every one of them: more
    tickets on sale, one open order, and the Sign Up form with its inline errors."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = {"paid": buyer.page.url.rsplit("/", 1)[1]}
    seller.sell("Stand-up comedy", "12.5")
    ids["on_sale"] = seller.page.url.rsplit("/", 1)[1]
    seller.sell("Jazz trio", "18")
    buyer.purchase("Jazz trio")
    ids["open"] = buyer.page.url.rsplit("/", 1)[1]
    views = ((buyer, BUYER_PAGES), (seller, SELLER_PAGES))
    for size, device in (("desktop", DESKTOP), ("phone", PHONE)):
        for person, pages in views:
            state = person.context.storage_state()
            context = chromium.new_context(base_url=base_url, storage_state=state, **device)  # type: ignore[arg-type]
            page = context.new_page()
            for name, path in pages.items():
                page.goto(path.format(**ids))
                page.screenshot(path=folder / f"{name}-{size}.png", full_page=True)
            context.close()
        visitor = chromium.new_context(base_url=base_url, **device)  # type: ignore[arg-type]
        page = visitor.new_page()
        page.goto("/auth/signup")
        page.get_by_label("Email").fill("not-an-email")
        page.get_by_role("button", name="Sign Up").click()
        page.screenshot(path=folder / f"sign-up-{size}.png", full_page=True)
        visitor.close()
