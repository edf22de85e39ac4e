"""An app whose shutdown never ends, run under the real Lifecycle: `python -m` PORT GRACE."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from app.cli.lifecycle import Lifecycle, stop_on_sigterm_like_sigint
from app.health import health_router


@asynccontextmanager
async def stuck_on_shutdown(_: Litestar) -> AsyncIterator[None]:
    yield
    await asyncio.create_task(_wait_forever(), name="stuck-relay")


async def _wait_forever() -> None:
    await asyncio.Event().wait()


def main() -> int:
    port, grace = int(sys.argv[1]), float(sys.argv[2])
    stop_on_sigterm_like_sigint()  # as `ticketing serve` does
    app = Litestar(route_handlers=[health_router({})], lifespan=[stuck_on_shutdown])
    return Lifecycle(grace).serve(app, host="127.0.0.1", port=port, log_level="WARNING")


if __name__ == "__main__":
    sys.exit(main())
