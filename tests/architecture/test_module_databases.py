"""Each module keeps its data in its own database (DESIGN.md §1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from beanie import Document, init_beanie
from litestar.testing import AsyncTestClient
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from app.runtime import Runtime
from tests.architecture.checks import documents_outside_their_database
from tests.support.apps import build_app
from tests.support.servers import ServerUrls


@asynccontextmanager
async def started_runtime(servers: ServerUrls, prefix: str) -> AsyncIterator[Runtime]:
    app = build_app(servers, prefix)
    async with AsyncTestClient(app):
        yield app.state.runtime


async def rebind(document: type[Document], database: AsyncDatabase) -> None:
    await init_beanie(database=database, document_models=[document], skip_indexes=True)


async def test_every_module_document_is_bound_to_its_own_database(
    servers: ServerUrls, prefix: str
) -> None:
    async with started_runtime(servers, prefix) as runtime:
        modules = [running.module for running in runtime.modules.values()]
        assert len(modules) > 1
        assert any(module.documents for module in modules)

        assert documents_outside_their_database(modules, prefix) == []


async def test_a_document_bound_to_another_module_database_is_caught(
    servers: ServerUrls, prefix: str
) -> None:
    """The app's client runs on the test client's loop, so the plant brings a client of its own."""
    async with (
        started_runtime(servers, prefix) as runtime,
        AsyncMongoClient(servers.mongo) as client,
    ):
        modules = [running.module for running in runtime.modules.values()]
        owner, other = modules[:2]
        stray = owner.documents[0]
        await rebind(stray, client[f"{prefix}_{other.name}"])
        try:
            problems = documents_outside_their_database(modules, prefix)
        finally:
            await rebind(stray, client[f"{prefix}_{owner.name}"])

        assert problems == [
            f"{owner.name}: {stray.__name__} is bound to database '{prefix}_{other.name}', "
            f"expected '{prefix}_{owner.name}'"
        ]
