"""`ticketing worker`: the dramatiq worker firing order expiries, alone (split mode).

It serves only `/healthz`, `/readyz` and `/metrics`, on TICKETING_HEALTH_PORT, so
that its probes, its scrapes and its life (signals, a dead server, the grace
period) are a served process's.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar

from app.cli.lifecycle import Lifecycle, stop_on_sigterm_like_sigint
from app.environment import Endpoints, local_environment
from app.health import (
    BackgroundTasks,
    dependency_checks,
    embedded_readiness,
    health_router,
)
from app.observability import LoopLag, configure_logging, metrics_router, sampler, tracing
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
    stop_on_sigterm_like_sigint()
    with tracing(settings, "ticketing-worker"), local_environment(settings) as endpoints:
        lifecycle = Lifecycle(settings.shutdown_grace, endpoints.servers)
        runtime = Runtime(
            settings,
            modules,
            module_settings,
            mongo_url=endpoints.mongo_url,
            redis_url=endpoints.redis_url,
            consume=False,
        )
        app = worker_app(runtime, endpoints)
        print(f"ticketing: worker running (expiration), health on port {settings.health_port}")
        return lifecycle.serve(
            app, host=settings.host, port=settings.health_port, log_level=settings.log_level
        )


def worker_app(runtime: Runtime, endpoints: Endpoints) -> Litestar:
    """Expiration's services (worker, sweep) and relay, without consuming its events."""
    background = BackgroundTasks()
    loop_lag = LoopLag()
    checks = {
        **dependency_checks(runtime.databases, endpoints.redis_url),
        "relay": background.running,
        **embedded_readiness(endpoints.servers),
    }

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await loop_lag.start()
        await background.started_by(runtime.start)
        try:
            yield
        finally:
            await runtime.stop()
            await loop_lag.stop()

    routes = [
        health_router(checks),
        metrics_router(sampler(runtime.bus, runtime.databases_by_module)),
    ]
    return Litestar(route_handlers=routes, lifespan=[lifespan], logging_config=None, debug=False)
