"""The app served over real HTTP for a real browser: uvicorn in a thread of the test process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from app.embedded.process import free_port
from tests.support.apps import build_app, unique_prefix
from tests.support.servers import ServerUrls


@contextmanager
def served(servers: ServerUrls, **settings: Any) -> Iterator[str]:
    """Every module in one process on its own databases; the base URL while it runs."""
    app = build_app(servers, unique_prefix(), chaos=None, **settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
