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
from app.settings import load_module_settings, load_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("worker", help="run the dramatiq worker for order expiries")
    parser.set_defaults(run=run)


def run(_: argparse.Namespace) -> int:
    settings = load_settings()
    modules = select_modules("expiration")
    module_settings = load_module_settings(modules, run_worker=True)
    configure_logging(settings)
    with local_environment(settings) as endpoints:
        runtime = Runtime(
            settings,
            modules,
            module_settings,
            mongo_url=endpoints.mongo_url,
            redis_url=endpoints.redis_url,
            consume=False,
        )
        asyncio.run(_work(runtime))
    return 0


async def _work(runtime: Runtime) -> None:
    """Expiration's services (worker, sweep) and relay, without consuming its events."""
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
