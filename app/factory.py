"""The app factory: composes the selected modules into one Litestar application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.pydantic import PydanticPlugin

from app.errors import EXCEPTION_HANDLERS
from app.runtime import Runtime
from app.settings import Settings
from bus import set_correlation_id
from bus.archive import Archive
from bus.envelope import new_id
from bus.inprocess import Chaos
from modules.kernel import (
    Module,
    SessionCodec,
    provide_current_user,
    provide_signed_in_user,
)

MAX_BODY_BYTES = 64 * 1024


def create_app(
    settings: Settings,
    modules: Sequence[Module],
    *,
    mongo_url: str,
    redis_url: str,
    jwt_key: str,
    chaos: Chaos | None = None,
    archive: Archive | None = None,
) -> Litestar:
    runtime = Runtime(
        settings, modules, mongo_url=mongo_url, redis_url=redis_url, chaos=chaos, archive=archive
    )

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    return Litestar(
        route_handlers=[_module_router(module, runtime) for module in modules],
        dependencies={
            "current_user": Provide(provide_current_user),
            "user": Provide(provide_signed_in_user),
        },
        state=State(
            {
                "runtime": runtime,
                "settings": settings,
                "sessions": SessionCodec(jwt_key, timedelta(seconds=settings.session_ttl)),
            }
        ),
        lifespan=[lifespan],
        before_request=_before_request,
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(title="Ticketing", version="0.1.0", path="/api/schema"),
        plugins=[PydanticPlugin(prefer_alias=True)],
        debug=False,
    )


def _module_router(module: Module, runtime: Runtime) -> Router:
    """Each module's routes get its own `transactions` dependency: its database, its outbox."""

    def transactions() -> Any:
        return runtime.transactions(module.name)

    return Router(
        path="/",
        route_handlers=list(module.routes),
        dependencies={"transactions": Provide(transactions, sync_to_thread=False)},
        tags=[module.name],
    )


async def _before_request(request: Request[Any, Any, Any]) -> None:
    # async on purpose: Litestar runs a sync hook in a thread, and the context variable
    # set there would never reach the handler.
    set_correlation_id(request.headers.get("x-correlation-id") or new_id())
    _require_json_body(request)


def _require_json_body(request: Request[Any, Any, Any]) -> None:
    """A body must be declared JSON: a cross-site HTML form (text/plain, urlencoded) cannot
    send one, so it cannot sign a victim in or act as them (login CSRF and friends)."""
    has_body = request.headers.get("content-length", "0") != "0" or (
        "transfer-encoding" in request.headers
    )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if has_body and media_type != "application/json":
        raise HTTPException(status_code=415, detail="Content-Type must be application/json")
