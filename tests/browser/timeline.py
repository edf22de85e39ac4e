"""The order's timeline as its buyer watches it: opened from the order page, growing live."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.people import DESKTOP, PHONE, Person

STEP_WITHIN_MS = 10_000  # a 2 s poll plus the payment's way through the bus


def the_timeline_grows_as_the_order_is_paid(chromium: Browser, base_url: str) -> None:
    """The buyer opens the timeline from the order page, pays in a second tab, and sees Paid
    join the story on the open timeline without a reload."""
    seller = Person(chromium, base_url, DESKTOP, "seller")
    buyer = Person(chromium, base_url, PHONE, "buyer")
    try:
        seller.sign_up()
        seller.sell("Opera night", "25.5")
        buyer.sign_up()
        buyer.purchase("Opera night")
        order_url = buyer.page.url
        buyer.page.get_by_role("link", name="Timeline").click()
        expect(buyer.page.get_by_role("heading", name="Timeline of the order")).to_be_visible()
        steps = buyer.page.locator("tr.step")
        expect(steps.first).to_contain_text("Order created")
        expect(steps.first).to_contain_text("orders")
        expect(steps.nth(1)).to_contain_text("Ticket reserved", timeout=STEP_WITHIN_MS)
        buyer.mark_page()

        paying = buyer.context.new_page()
        paying.goto(order_url)
        paying.get_by_label("Card number").fill("4242 4242 4242 4242")
        paying.get_by_role("button", name=re.compile("^Pay")).click()
        expect(paying.get_by_text(re.compile("^Paid")).first).to_be_visible()

        paid = steps.filter(has_text="Paid: the order is complete")
        expect(paid).to_be_visible(timeout=STEP_WITHIN_MS)
        expect(paid).to_contain_text("payments")
        expect(paid).to_contain_text(re.compile(r"\+\d+\.\d{3} s"))
        assert buyer.was_not_reloaded()
    finally:
        seller.close()
        buyer.close()
