from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.pages.support import Browser
from tests.support.apps import AppClient

BrowserFactory = Callable[[], Awaitable[Browser]]


@pytest.fixture
async def browser(client: AppClient) -> AsyncIterator[BrowserFactory]:
    """Open a new browser (its own cookies) on the test's app; all are closed afterwards."""
    opened: list[Browser] = []

    async def open_one() -> Browser:
        opened.append(Browser(client.app))
        return opened[-1]

    yield open_one
    for one in opened:
        await one.close()


@pytest.fixture
async def visitor(browser: BrowserFactory) -> Browser:
    return await browser()


@pytest.fixture
async def seller(browser: BrowserFactory) -> Browser:
    person = await browser()
    await person.sign_up()
    return person


@pytest.fixture
async def buyer(browser: BrowserFactory) -> Browser:
    person = await browser()
    await person.sign_up()
    return person
