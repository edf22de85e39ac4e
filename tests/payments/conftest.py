from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from modules.payments.providers import LocalProvider
from tests.payments.fake_stripe import FakeStripe, fake_stripe
from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls


@pytest.fixture
def provider() -> LocalProvider:
    """The local payment provider the app charges through; tests read its charges."""
    return LocalProvider()


@pytest.fixture
async def client(
    servers: ServerUrls, prefix: str, provider: LocalProvider
) -> AsyncIterator[AppClient]:
    """Auth and payments only: the tests play the orders module by publishing its events."""
    app = build_app(
        servers, prefix, modules="auth,payments", adapters={"payments": {"provider": provider}}
    )
    async with running(app) as app_client:
        yield app_client


@pytest.fixture
def stripe_server() -> Iterator[FakeStripe]:
    with fake_stripe() as fake:
        yield fake


@pytest.fixture
async def stripe_client(
    servers: ServerUrls, prefix: str, stripe_server: FakeStripe
) -> AsyncIterator[AppClient]:
    """Auth and payments charging through Stripe, the local fake standing in for its API."""
    app = build_app(
        servers,
        prefix,
        modules="auth,payments",
        stripe_secret_key="sk_test_app",
        stripe_api_base=stripe_server.url,
    )
    async with running(app) as app_client:
        yield app_client
