"""What a running app stored, read with plain pymongo rather than through the app's use cases."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from tests.support.apps import AppClient, runtime_of


def database(client: AppClient, module: str) -> AsyncDatabase[Any]:
    """The module's own database, `{prefix}_{module}`, on the connection the app gave it."""
    return runtime_of(client).transactions(module).database


def deliveries(client: AppClient) -> AsyncCollection[Any]:
    """The in-process bus's deliveries: one per event and subscribed group, until acknowledged."""
    runtime = runtime_of(client)
    return runtime.client[runtime.settings.database_name("bus")]["deliveries"]
