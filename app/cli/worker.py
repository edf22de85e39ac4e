"""`ticketing worker`: the dramatiq worker firing order expiries, alone (split mode)."""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from app.cli.serve import configure_logging
from app.environment import local_environment
from app.registry import select_modules
from app.runtime import Runtime
from app.settings import Settings, load_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("worker", help="run the dramatiq worker for order expiries")
    parser.set_defaults(run=run)


def run(_: argparse.Namespace) -> int:
    settings = load_settings(run_worker=True)
    configure_logging(settings)
    with local_environment(settings) as endpoints:
        asyncio.run(_work(settings, endpoints.mongo_url, endpoints.redis_url))
    return 0


async def _work(settings: Settings, mongo_url: str, redis_url: str) -> None:
    """Expiration's hooks (worker, sweep) and relay, without consuming its events."""
    runtime = Runtime(
        settings,
        select_modules("expiration"),
        mongo_url=mongo_url,
        redis_url=redis_url,
        consume=False,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await runtime.start()
    print("ticketing: worker running (expiration)", flush=True)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
