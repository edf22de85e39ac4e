"""A local HTTP server answering in Stripe's API shape: the external service, faked.

It keeps Stripe's idempotency rules: the first result per key is saved (a
decline included) and replayed; the same key with other details is refused.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

Answer = tuple[int, dict[str, Any]]
HOLD_LIMIT = 30.0  # seconds a held charge waits at most, so a failing test cannot hang
SHUTDOWN_POLL = 0.02  # seconds; the server's default (0.5) is waited at every test's end


@dataclass
class Recorded:
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    busy_answers: int = 0  # the next charges answered 409: a concurrent request holds the key
    released: threading.Event = field(default_factory=threading.Event)
    saved: dict[tuple[str, str], tuple[dict[str, str], Answer]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.released.set()

    def hold_charges(self) -> None:
        """Charges wait, as a slow provider's would, until `release_charges`."""
        self.released.clear()

    def release_charges(self) -> None:
        self.released.set()

    def search_charges(self, query: str) -> Answer:
        """Stripe's search, for the one query shape we use: `metadata['k']:'v'`."""
        name, _, value = query.partition(":")
        key = name.removeprefix("metadata['").removesuffix("']")
        wanted = value.strip("'")
        with self.lock:
            found = [
                answer
                for (path, _), (form, (status, answer)) in self.saved.items()
                if path == "/v1/charges"
                and status == 200
                and form.get(f"metadata[{key}]") == wanted
            ]
        return 200, {"object": "search_result", "data": found, "has_more": False}

    def sent(self, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.path == path]

    def answer(self, path: str, form: dict[str, str], key: str | None) -> Answer:
        if path == "/v1/charges":
            with self.lock:
                busy, self.busy_answers = self.busy_answers > 0, max(0, self.busy_answers - 1)
            if busy:
                return 409, _idempotency_error("idempotency_key_in_use")
            self.released.wait(HOLD_LIMIT)
            return self._idempotent(path, form, key, _charge)
        if path == "/v1/refunds":
            return self._idempotent(path, form, key, _refund)
        return 404, {"error": {"type": "invalid_request_error", "message": "Unrecognized URL"}}

    def _idempotent(
        self,
        path: str,
        form: dict[str, str],
        key: str | None,
        execute: Callable[[dict[str, str]], Answer],
    ) -> Answer:
        if key is None:
            return execute(form)
        with self.lock:
            if (path, key) not in self.saved:
                self.saved[path, key] = (form, execute(form))
            first_form, first_answer = self.saved[path, key]
        return first_answer if first_form == form else (400, _idempotency_error(None))


def _charge(form: dict[str, str]) -> Answer:
    if form.get("source") == "tok_chargeDeclined":
        error = {
            "type": "card_error",
            "code": "card_declined",
            "message": "Your card was declined.",
        }
        return 402, {"error": error}
    charge = {
        "id": f"ch_{uuid.uuid4().hex}",
        "object": "charge",
        "amount": int(form["amount"]),
        "currency": form["currency"],
        "paid": True,
        "status": "succeeded",
    }
    return 200, charge


def _refund(form: dict[str, str]) -> Answer:
    refund = {
        "id": f"re_{uuid.uuid4().hex}",
        "object": "refund",
        "charge": form["charge"],
        "status": "succeeded",
    }
    return 200, refund


def _idempotency_error(code: str | None) -> dict[str, Any]:
    message = (
        "There is currently another in-progress request using this idempotency key."
        if code
        else "Keys for idempotent requests can only be used with the same parameters "
        "they were first used with."
    )
    return {"error": {"type": "idempotency_error", "code": code, "message": message}}


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            key = self.headers.get("Idempotency-Key")
            fake.requests.append(Recorded(self.path, form, key, self.headers.get("Authorization")))
            self._send(*fake.answer(self.path, form, key))

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            fake.requests.append(Recorded(path, {}, None, self.headers.get("Authorization")))
            if path == "/v1/charges/search":
                self._send(*fake.search_charges(parse_qs(query).get("query", [""])[0]))
            else:
                self._send(404, {"error": {"type": "invalid_request_error"}})

        def _send(self, status: int, body: dict[str, Any]) -> None:
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
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release_charges()
        server.shutdown()
        server.server_close()
