"""A small path-routing reverse proxy, standing in for the Kubernetes ingress.

Run as `python -m app.split.front --port P --routes FILE`, FILE holding JSON such as
`{"/api/users": ["http://..."]}`. The front re-reads it when it changes, as an ingress follows a
Service's endpoints: a rollout adds a ready pod and removes a stopping one while it serves.

It keeps nothing between requests: no cookie jar (each caller's cookies go up
and each answer's Set-Cookie comes back, to that caller only), no redirects
followed. The request line goes upstream byte for byte (`%00` stays `%00`), so
a module answers exactly as it would without the front. Bodies are capped so a
caller cannot fill its memory; the modules enforce their own smaller limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import uvicorn

MAX_BODY_BYTES = 1024 * 1024
DRAIN_BYTES = 16 * 1024 * 1024  # read past the limit this far, so the caller hears the 413
TIMEOUTS = {"connect": 5.0, "read": 60.0, "write": 60.0, "pool": 10.0}
HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"content-length",
    b"expect",
}
NOT_RELAYED = HOP_BY_HOP - {b"content-length"}  # an answer keeps its length
FORWARDED = {b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded"}
REREAD_EVERY = 0.05  # seconds between looks at the routes file
# The apps parse HTTP with httptools, which knows only registered methods and answers any
# other with a bare-text 400; the edge answers those itself, in the error format.
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

Routes = dict[str, list[str]]

Scope = dict[str, Any]


class BodyTooLarge(Exception):
    pass


class _Table:
    def __init__(self, routes: Routes):
        # Longest prefix first, so /api/orders/x never matches a shorter route by accident.
        self.prefixes = sorted(routes, key=len, reverse=True)
        self.upstreams: dict[str, Iterator[httpcore.URL]] = {
            prefix: itertools.cycle([httpcore.URL(url) for url in urls])
            for prefix, urls in routes.items()
        }
        self.replicas = {prefix: len(urls) for prefix, urls in routes.items()}

    def prefix_of(self, path: str) -> str | None:
        return next((p for p in self.prefixes if path == p or path.startswith(p + "/")), None)


class Front:
    def __init__(self, routes: Routes, routes_file: Path | None = None):
        self.reroute(routes)
        self._routes_file = routes_file
        self._pool: httpcore.AsyncConnectionPool | None = None

    def reroute(self, routes: Routes) -> None:
        """Route by this table from the next request on; those in flight finish where they are."""
        self._table = _Table(routes)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._proxy(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        following: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._pool = httpcore.AsyncConnectionPool(max_connections=200)
                if self._routes_file:
                    following = asyncio.create_task(self._follow(self._routes_file))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if following:
                    following.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await following
                if self._pool:
                    await self._pool.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _follow(self, routes_file: Path) -> None:
        """Reroute whenever the file changes (it is replaced whole, never written in place)."""
        seen = await asyncio.to_thread(_modified, routes_file)
        while True:
            await asyncio.sleep(REREAD_EVERY)
            changed = await asyncio.to_thread(_modified, routes_file)
            if changed != seen:
                seen = changed
                self.reroute(await asyncio.to_thread(read_routes, routes_file))

    async def _proxy(self, scope: Scope, receive: Any, send: Any) -> None:
        table = self._table  # the same one for this whole request, whatever a reroute does
        prefix = table.prefix_of(scope["path"])
        if prefix is None or self._pool is None:
            await _error(send, 404, "Not found")
            return
        if scope["method"] not in KNOWN_METHODS:
            await _error(send, 405, "Method not allowed")
            return
        try:
            body = await _read_body(receive)
        except BodyTooLarge:
            await _error(send, 413, "Request body is too large")
            return
        # A replica that refuses the connection never saw the request: try the next one.
        for _ in range(table.replicas[prefix]):
            with contextlib.suppress(httpcore.ConnectError):
                await self._forward(next(table.upstreams[prefix]), scope, body, send)
                return
        await _error(send, 502, "Upstream unavailable")

    async def _forward(self, upstream: httpcore.URL, scope: Scope, body: bytes, send: Any) -> None:
        assert self._pool is not None
        target = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        url = httpcore.URL(
            scheme=upstream.scheme, host=upstream.host, port=upstream.port, target=target
        )
        started = False
        try:
            async with self._pool.stream(
                scope["method"],
                url,
                headers=_request_headers(scope),
                content=body,
                extensions={"timeout": TIMEOUTS},
            ) as response:
                headers = [(k, v) for k, v in response.headers if k.lower() not in NOT_RELAYED]
                await send(
                    {"type": "http.response.start", "status": response.status, "headers": headers}
                )
                started = True
                async for chunk in response.aiter_stream():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except httpcore.ConnectError:
            raise
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as error:
            if started:  # too late for an error answer: the caller sees the connection close
                raise
            if isinstance(error, httpcore.TimeoutException):
                await _error(send, 504, "Upstream timed out")
            else:
                await _error(send, 502, "Upstream unavailable")


def _request_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The caller's headers, Host included (as an ingress keeps it), and who the caller is.

    Forwarding headers the caller sent are replaced: this front is the edge, so
    nothing before it can vouch for them.
    """
    headers = [
        (name, value)
        for name, value in scope["headers"]
        if name.lower() not in HOP_BY_HOP and name.lower() not in FORWARDED
    ]
    client = scope.get("client")
    if client:
        headers.append((b"x-forwarded-for", client[0].encode()))
    headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
    return headers


async def _read_body(receive: Any) -> bytes:
    """The whole body, or BodyTooLarge once the rest of it was read and dropped."""
    body = bytearray()
    size = 0
    while size <= DRAIN_BYTES:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            body += chunk
        if not message.get("more_body"):
            break
    if size > MAX_BODY_BYTES:
        raise BodyTooLarge
    return bytes(body)


async def _error(send: Any, status: int, message: str) -> None:
    """An answer of the front itself, in the API's error format."""
    body = json.dumps({"errors": [{"message": message}]}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def read_routes(routes_file: Path) -> Routes:
    routes: Routes = json.loads(routes_file.read_text())
    return routes


def _modified(routes_file: Path) -> int:
    return routes_file.stat().st_mtime_ns


def write_routes(routes_file: Path, routes: Routes) -> None:
    """Replace the file whole, so a front reading it never sees half a table."""
    staged = routes_file.with_suffix(".staged")
    staged.write_text(json.dumps(routes))
    os.replace(staged, routes_file)


def main() -> None:
    parser = argparse.ArgumentParser(description="path-routing front for a split deployment")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--routes", type=Path, required=True, help="JSON file: path prefix -> upstream URLs"
    )
    args = parser.parse_args()
    front = Front(read_routes(args.routes), routes_file=args.routes)
    # h11, not httptools: h11 reads any method token, so the front can answer it (see above).
    uvicorn.run(
        front, host=args.host, port=args.port, log_level="warning", lifespan="on", http="h11"
    )


if __name__ == "__main__":
    main()
