"""A person at a browser: what they click and type, in the page's own words."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


class Person:
    def __init__(self, chromium: Browser, base_url: str, device: dict[str, object], name: str):
        self.context = chromium.new_context(base_url=base_url, **device)  # type: ignore[arg-type]
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()
        self.name = name
        self.email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"

    def close(self) -> None:
        self.context.close()

    def sign_up(self) -> None:
        self.page.goto("/")
        self.page.get_by_role("link", name="Sign Up").click()
        self.page.get_by_label("Email").fill(self.email)
        self.page.get_by_label("Password").fill("secret123")
        self.page.get_by_role("button", name="Sign Up").click()
        expect(self.page.get_by_text(self.email)).to_be_visible()

    def sell(self, title: str, price: str) -> str:
        self.page.get_by_role("link", name="Sell Tickets").click()
        self.page.get_by_label("Title").fill(title)
        self.page.get_by_label("Price").fill(price)
        self.page.get_by_role("button", name="Sell").click()
        expect(self.page.get_by_role("heading", name=title)).to_be_visible()
        return self.page.url.rsplit("/", 1)[1]

    def purchase(self, title: str) -> None:
        """From the home page: the ticket's page, then Purchase (retried while orders has not
        heard of the ticket yet)."""
        self.page.goto("/")
        self.page.get_by_role("link", name=title).click()
        for _ in range(20):
            self.page.get_by_role("button", name="Purchase").click()
            if re.search(r"/orders/\w+$", self.page.url):
                return
            self.page.wait_for_timeout(250)
        raise AssertionError(f"could not purchase {title}: {self.page.content()[:500]}")

    def pay(self, card: str) -> None:
        self.page.get_by_label("Card number").fill(card)
        self.page.get_by_role("button", name=re.compile("^Pay")).click()

    def mark_page(self) -> None:
        """A flag that a reload would lose: proves later changes came without one."""
        self.page.evaluate("window.notReloaded = true")

    def was_not_reloaded(self) -> bool:
        return bool(self.page.evaluate("window.notReloaded === true"))

    def screenshot(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=folder / f"{name}.png", full_page=True)
