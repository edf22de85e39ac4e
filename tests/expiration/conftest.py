from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.expiration.support import DramatiqQueues
from tests.support.servers import ServerUrls


@pytest.fixture(autouse=True)
async def queues(servers: ServerUrls, prefix: str) -> AsyncIterator[DramatiqQueues]:
    """This test's dramatiq queues in Redis; its keys are deleted afterwards."""
    queues = DramatiqQueues(servers, prefix)
    yield queues
    await queues.forget()
