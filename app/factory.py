"""The app factory: composes the selected modules into one Litestar application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from litestar import Litestar, Request, Router
from litestar.datastructures import Headers, State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.pydantic import PydanticPlugin
from litestar.types import Message, Scope

from app.api_docs import SwaggerPage
from app.archive_pages import timeline_router
from app.buses import DEFAULT_CONCURRENCY
from app.connections import redis_client
from app.errors import EXCEPTION_HANDLERS
from app.health import BackgroundTasks, Check, dependency_checks, health_router
from app.http_security import STATE_CHANGING, SendHook, require_same_origin, security_headers
from app.observability import LoopLag, metrics_router, observe_requests, sampler, trace_requests
from app.runtime import RunningModule, Runtime
from app.settings import Settings, load_module_settings
from app.web import csrf_config, in_the_layout, static_files, template_config
from bus.archive import Archive
from bus.chaos import Chaos
from bus.context import set_module
from modules.kernel import (
    RENEWED_SESSION,
    Module,
    ModuleSettings,
    SessionCodec,
    Sessions,
    current_user_provider,
    provide,
    provide_signed_in_user,
    view_provider,
)

MAX_BODY_BYTES = 64 * 1024


def create_app(
    settings: Settings,
    modules: Sequence[Module[Any]],
    *,
    mongo_url: str,
    redis_url: str,
    jwt_key: str,
    module_settings: Mapping[str, ModuleSettings] | None = None,
    chaos: Chaos | None = None,
    readiness: Mapping[str, Check] | None = None,
    archive: Archive | None = None,
    bus_concurrency: int = DEFAULT_CONCURRENCY,
) -> Litestar:
    """`module_settings` defaults to each module's group read from the environment."""
    runtime = Runtime(
        settings,
        modules,
        module_settings or load_module_settings(modules),
        mongo_url=mongo_url,
        redis_url=redis_url,
        chaos=chaos,
        archive=archive,
        bus_concurrency=bus_concurrency,
    )
    codec = SessionCodec(
        jwt_key, timedelta(seconds=settings.session_ttl), secure_cookie=settings.cookie_secure
    )
    session_store = redis_client(redis_url, decode_responses=False)
    sessions = Sessions(
        codec, session_store, settings.db_prefix, liveness_bound=settings.session_check_cache
    )
    background = BackgroundTasks()
    loop_lag = LoopLag()
    stripe = settings.stripe_publishable_key is not None
    checks = {
        **dependency_checks(runtime.databases, redis_url),
        "consumers-and-relays": background.running,
        **(readiness or {}),
    }
    if not modules:
        del checks["mongo"]  # `ticketing archive run`: no module, so no Mongo database to ask

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await loop_lag.start()
        await background.started_by(runtime.start)
        await sessions.liveness.start()
        try:
            yield
        finally:
            await sessions.liveness.stop()
            await runtime.stop()
            await session_store.aclose()
            await loop_lag.stop()

    app = Litestar(
        route_handlers=[
            *(_module_router(running) for running in runtime.modules.values()),
            *([timeline_router(archive.store)] if archive else []),
            static_files(),
            health_router(checks),
            metrics_router(sampler(runtime.bus, runtime.databases_by_module)),
        ],
        dependencies={
            "sessions": provide(sessions),
            "current_user": current_user_provider(sessions),
            "user": Provide(provide_signed_in_user),
            "view": view_provider(sessions),
        },
        state=State({"runtime": runtime}),  # for operators and tests; controllers never read it
        lifespan=[lifespan],
        before_request=_before_request,
        before_send=[_answer_headers(security_headers(stripe=stripe))],
        exception_handlers=in_the_layout(EXCEPTION_HANDLERS, sessions),
        template_config=template_config(stripe_publishable_key=settings.stripe_publishable_key),
        csrf_config=csrf_config(jwt_key, secure=settings.cookie_secure),
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="Ticketing", version="0.1.0", path="/api/schema", render_plugins=[SwaggerPage()]
        ),
        plugins=[PydanticPlugin(prefer_alias=True)],
        logging_config=None,  # app.observability configures logging, once, for the process
        debug=False,
    )
    if settings.tracing != "off":
        trace_requests(app)  # inside the timing: the correlation id is set when its span ends
    observe_requests(app)
    return app


def _module_router(running: RunningModule) -> Router:
    """A module's routes with what its bootstrap bound, and its own `transactions`."""
    return Router(
        path="/",
        route_handlers=list(running.module.routes),
        dependencies={
            "transactions": provide(running.transactions),
            **running.wiring.dependencies,
        },
        tags=[running.module.name],
        opt={"module": running.module.name},  # the request's module, in its logs and metrics
    )


async def _before_request(request: Request[Any, Any, Any]) -> None:
    # async on purpose: Litestar runs a sync hook in a thread, and the context variable
    # set there would never reach the handler. (The correlation id is set before routing.)
    set_module(request.route_handler.opt.get("module"))
    if request.scope["method"] not in STATE_CHANGING:
        return  # no body is read and nothing changes: nothing to refuse (a cheap GET stays so)
    _require_json_body(request.scope["path"], request.headers)
    # Here rather than as a guard: Litestar copies the route handler for every guard call,
    # a tenth of a cheap request's time, and this check only concerns state-changing ones.
    await require_same_origin(request, request.route_handler)


def _answer_headers(add_security_headers: SendHook) -> SendHook:
    """One `before_send` hook (Litestar awaits each hook on every message of every answer):
    the security headers, and a renewed session's cookie."""

    async def answer_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        await add_security_headers(message, scope)
        # A session past half its life slides forward: the new cookie rides on this answer.
        cookie = scope.get("state", {}).get(RENEWED_SESSION)
        if cookie is not None:
            message["headers"] = [*message.get("headers", []), cookie.to_encoded_header()]

    return answer_headers


def _require_json_body(path: str, headers: Headers) -> None:
    """An API body must be declared JSON: a cross-site HTML form (text/plain, urlencoded) cannot
    send one, so it cannot sign a victim in or act as them (login CSRF and friends). Pages
    take forms, guarded by a CSRF token instead."""
    if not path.startswith("/api/"):
        return
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    if not has_body:
        return
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(status_code=415, detail="Content-Type must be application/json")
