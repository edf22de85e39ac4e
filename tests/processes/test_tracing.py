"""Optional OpenTelemetry tracing in a real `ticketing serve`. Off (the default): nothing is
traced or exported. On: a request's span, and the spans of the handlers its events cause, share
the caller's trace, exported in batches over OTLP/HTTP to a collector."""

from __future__ import annotations

import signal
import socket

import httpx
import pytest

from tests.processes.serving import Launcher, Serving
from tests.processes.test_serve_lifecycle import sign_up
from tests.support.apps import TEST_JWT_KEY
from tests.support.collector import CollectedSpan, collector
from tests.support.servers import ServerUrls
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{CALLER_SPAN}-01"
GROUPS = {"orders", "archive"}  # those that hear of a ticket created
EXPORT_SOON = {"OTEL_BSP_SCHEDULE_DELAY": "100"}  # ms; the SDK's default is 5 s


def shared_servers(servers: ServerUrls, prefix: str) -> dict[str, str]:
    return {
        "TICKETING_MONGO_URL": servers.mongo,
        "TICKETING_REDIS_URL": servers.redis,
        "TICKETING_JWT_KEY": TEST_JWT_KEY,
        "TICKETING_DB_PREFIX": prefix,
    }


def sell_as_traced_caller(serving: Serving) -> httpx.Response:
    _, session = sign_up(serving)
    with serving.client() as http:
        http.cookies.set("session", session)
        return http.post(
            "/api/tickets",
            json={"title": "Traced", "price": 10},
            headers={"traceparent": TRACEPARENT},
        )


def consumers_of(spans: list[CollectedSpan], subject: str) -> dict[str, CollectedSpan]:
    return {
        span.attributes["messaging.consumer.group.name"]: span
        for span in spans
        if span.kind == "consumer" and span.name == f"process {subject}"
    }


class TestATracedProcess:
    def test_a_request_and_the_handlers_of_its_event_continue_the_callers_trace(
        self, launcher: Launcher, servers: ServerUrls, prefix: str
    ) -> None:
        with collector() as (collected, endpoint):
            serving = launcher.start(
                TICKETING_TRACING="otlp",
                OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
                **EXPORT_SOON,
                **shared_servers(servers, prefix),
            )
            created = sell_as_traced_caller(serving)
            spans = wait_for(
                lambda: collected.traced(TRACE_ID),
                until=lambda spans: (
                    any(span.kind == "server" for span in spans)
                    and set(consumers_of(spans, "ticket.created")) >= GROUPS
                ),
            )

        assert created.status_code == 201, created.text
        [request] = [span for span in spans if span.kind == "server"]
        assert (request.name, request.parent_id) == ("POST /api/tickets", CALLER_SPAN)
        assert request.attributes["http.response.status_code"] == 201
        assert request.attributes["ticketing.module"] == "tickets"
        for group, handling in consumers_of(spans, "ticket.created").items():
            assert handling.parent_id == request.span_id, group
            assert handling.attributes["messaging.message.id"]
            assert not handling.error
        assert {span.service for span in spans} == {"ticketing"}

    def test_off_by_default_nothing_is_traced_or_exported(
        self, launcher: Launcher, servers: ServerUrls, prefix: str
    ) -> None:
        with collector() as (collected, endpoint):
            serving = launcher.start(
                OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
                **EXPORT_SOON,
                **shared_servers(servers, prefix),
            )
            created = sell_as_traced_caller(serving)
            assert serving.stop(signal.SIGTERM) == 0, serving.output  # a tracer would flush now

        assert created.status_code == 201, created.text
        assert collected.spans == []


def test_an_unreachable_collector_neither_floods_the_log_nor_holds_the_stop(
    launcher: Launcher, servers: ServerUrls, prefix: str
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as blackhole:  # accepts, never answers
        endpoint = f"http://127.0.0.1:{blackhole.getsockname()[1]}"
        serving = launcher.start(
            TICKETING_TRACING="otlp",
            TICKETING_LOG_LEVEL="WARNING",
            OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
            OTEL_BSP_SCHEDULE_DELAY="100",
            OTEL_BSP_MAX_QUEUE_SIZE="16",  # full at once: the SDK warns for every span it drops
            OTEL_BSP_MAX_EXPORT_BATCH_SIZE="16",
            **shared_servers(servers, prefix),
        )
        with serving.client() as http:
            for _ in range(200):
                assert http.get("/api/users/currentuser").status_code == 200

        serving.process.send_signal(signal.SIGTERM)
        code, seconds = serving.exits_within(20)

    assert code == 0, serving.output
    assert seconds < 12, serving.output
    dropping = [line for line in serving.output.splitlines() if "dropping" in line.lower()]
    assert 1 <= len(dropping) <= 2, serving.output  # the SDK says it once per 20 s
