"""A small path-routing reverse proxy, standing in for the Kubernetes ingress.

Run as `python -m app.split.front --port P --routes '{"/api/users": ["http://..."]}'`.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"}


class Front:
    def __init__(self, routes: dict[str, list[str]]):
        # Longest prefix first, so /api/orders/x never matches a shorter route by accident.
        self._routes = sorted(routes.items(), key=lambda item: -len(item[0]))
        self._cycles: dict[str, Iterator[str]] = {
            prefix: itertools.cycle(upstreams) for prefix, upstreams in routes.items()
        }
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._proxy(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._client = httpx.AsyncClient(timeout=60)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _proxy(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope["path"]
        prefix = next((p for p, _ in self._routes if path == p or path.startswith(p + "/")), None)
        if prefix is None or self._client is None:
            await _respond(send, 404, b'{"errors":[{"message":"Not Found"}]}')
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [
            (k.decode(), v.decode()) for k, v in scope["headers"] if k.decode() not in HOP_BY_HOP
        ]
        url = next(self._cycles[prefix]) + path
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode()
        try:
            upstream = await self._client.request(
                scope["method"], url, headers=headers, content=body
            )
        except httpx.HTTPError:
            await _respond(send, 502, b'{"errors":[{"message":"Upstream unavailable"}]}')
            return
        response_headers = [
            (k.encode(), v.encode())
            for k, v in upstream.headers.multi_items()
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"
        ]
        response_headers.append((b"content-length", str(len(upstream.content)).encode()))
        await send(
            {
                "type": "http.response.start",
                "status": upstream.status_code,
                "headers": response_headers,
            }
        )
        await send({"type": "http.response.body", "body": upstream.content})


async def _respond(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(description="path-routing front for a split deployment")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--routes", required=True, help="JSON: path prefix -> upstream URLs")
    args = parser.parse_args()
    front = Front(json.loads(args.routes))
    uvicorn.run(front, host=args.host, port=args.port, log_level="warning", lifespan="on")


if __name__ == "__main__":
    main()
