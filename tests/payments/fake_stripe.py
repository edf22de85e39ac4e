"""A local HTTP server answering in Stripe's API shape: the external service, faked."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Recorded:
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None


@dataclass
class FakeStripe:
    url: str
    requests: list[Recorded] = field(default_factory=list)


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    charges_by_key: dict[str, dict[str, Any]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            key = self.headers.get("Idempotency-Key")
            fake.requests.append(Recorded(self.path, form, key, self.headers.get("Authorization")))
            if self.path == "/v1/charges":
                self._charge(form, key)
            elif self.path == "/v1/refunds":
                self._answer(
                    200,
                    {
                        "id": f"re_{uuid.uuid4().hex}",
                        "object": "refund",
                        "charge": form["charge"],
                        "status": "succeeded",
                    },
                )
            else:
                self._answer(404, {"error": {"type": "invalid_request_error", "message": "?"}})

        def _charge(self, form: dict[str, str], key: str | None) -> None:
            if form.get("source") == "tok_chargeDeclined":
                error = {
                    "type": "card_error",
                    "code": "card_declined",
                    "message": "Your card was declined.",
                }
                self._answer(402, {"error": error})
                return
            if key not in charges_by_key:
                charges_by_key[key or ""] = {
                    "id": f"ch_{uuid.uuid4().hex}",
                    "object": "charge",
                    "amount": int(form["amount"]),
                    "paid": True,
                    "currency": form["currency"],
                    "status": "succeeded",
                }
            self._answer(200, charges_by_key[key or ""])

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
