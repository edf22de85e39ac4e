"""The marketplace in real headless Chromium, every module in one process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from bus.archive import Archive, ArchiveSettings
from tests.browser.flows import LIVE_WITHIN_MS, an_unpaid_order_expires, sell_buy_and_pay
from tests.browser.serving import served
from tests.browser.timeline import the_timeline_grows_as_the_order_is_paid
from tests.support.servers import ServerUrls


# Function-scoped: Beanie binds documents to one app at a time, so apps take turns.
@pytest.fixture
def archived_site(servers: ServerUrls, tmp_path: Path) -> Iterator[str]:
    """With the event archive, as `ticketing serve` runs it: the timeline pages are on."""
    settings = ArchiveSettings(url=f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    archive = Archive.from_settings(settings, tmp_path)
    with served(servers, archive=archive) as base_url:
        yield base_url


@pytest.fixture
def short_window_site(servers: ServerUrls) -> Iterator[str]:
    """Orders expire 6 s after they are placed, and the sweep looks every second."""
    with served(servers, order_ttl=6, expiration_sweep=1) as base_url:
        yield base_url


def test_one_sells_another_buys_on_a_phone_and_pays(
    chromium: Browser, archived_site: str, screenshots: Path
) -> None:
    dropped_after = sell_buy_and_pay(chromium, archived_site, screenshots)

    print(f"the seller's home page dropped the reserved ticket after {dropped_after:.2f} s")
    assert dropped_after * 1000 <= LIVE_WITHIN_MS


def test_an_unpaid_order_turns_expired_and_the_ticket_returns(
    chromium: Browser, short_window_site: str
) -> None:
    an_unpaid_order_expires(chromium, short_window_site)


def test_the_timeline_opens_from_the_order_page_and_grows_by_itself(
    chromium: Browser, archived_site: str
) -> None:
    the_timeline_grows_as_the_order_is_paid(chromium, archived_site)
