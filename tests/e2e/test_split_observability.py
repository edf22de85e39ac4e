"""One purchase followed across the split deployment's processes, by its logs, its metrics and
its traces."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.deploy.dashboard import metric_names, queries
from tests.e2e.observed import Purchase, exported_names, log_lines, observed_purchase, scrape, value
from tests.support.collector import CollectedSpan
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e

PURCHASE_PROCESSES = {"tickets-1", "orders-1", "payments-1", "expiration-1", "worker-1"}
PURCHASE_MODULES = {"tickets", "orders", "payments", "expiration"}
ID_SHAPED = re.compile(r"[0-9a-f]{24}|[0-9a-f]{32}|[0-9a-f-]{36}|purchase-")
EVERY_PROCESS_EXPORTS = {
    "ticketing_http_request_duration_seconds",
    "ticketing_bus_events_handled",
    "ticketing_bus_pending",
    "ticketing_outbox_backlog",
    "ticketing_event_loop_lag_seconds",
    "process_resident_memory_bytes",
}


@pytest.fixture(scope="module")
def purchase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Purchase]:
    yield from observed_purchase(tmp_path_factory.mktemp("observed"))


class TestOnePurchaseInTheLogs:
    def test_every_answer_names_the_callers_request_id(self, purchase: Purchase) -> None:
        assert purchase.request_ids and set(purchase.request_ids) == {purchase.correlation_id}

    def test_every_process_it_crossed_logs_it_under_its_correlation_id(
        self, purchase: Purchase
    ) -> None:
        ours = {
            process: [
                line for line in lines if line.get("correlation_id") == purchase.correlation_id
            ]
            for process, lines in log_lines(purchase.deployment).items()
        }

        assert {process for process, lines in ours.items() if lines} >= PURCHASE_PROCESSES
        every_line = [line for lines in ours.values() for line in lines]
        assert {line["module"] for line in every_line} >= PURCHASE_MODULES
        assert all(line.get("module") for line in every_line)

    def test_each_handlers_line_names_its_module_and_event(self, purchase: Purchase) -> None:
        handled = [
            line
            for lines in log_lines(purchase.deployment).values()
            for line in lines
            if line["logger"] == "bus.delivery"
            and line.get("correlation_id") == purchase.correlation_id
        ]

        assert {"order.created", "payment.created"} <= {
            line["message"].split()[-3] for line in handled
        }
        for line in handled:
            assert line["message"].startswith(f"bus: {line['module']} handled ")
            assert re.fullmatch(r"[0-9a-f]{32}", line["event_id"])


class TestMetricsOfRealProcesses:
    def test_every_process_serves_its_metrics(self, purchase: Purchase) -> None:
        for service in purchase.deployment.services:
            names = {family.name for family in scrape(service)}
            assert names >= EVERY_PROCESS_EXPORTS, service.name

    def test_the_purchase_moved_the_counters_of_each_process(self, purchase: Purchase) -> None:
        service = purchase.deployment.service
        orders, payments = scrape(service("orders-1")), scrape(service("payments-1"))
        expiration, worker = scrape(service("expiration-1")), scrape(service("worker-1"))
        requests = "ticketing_http_request_duration_seconds_count"
        handled = "ticketing_bus_events_handled_total"

        assert value(orders, requests, module="orders", route="/api/orders", status="201") >= 1
        assert value(orders, handled, group="orders", subject="payment.created") >= 1
        assert value(payments, "ticketing_payments_total", outcome="succeeded") >= 1
        assert value(payments, "ticketing_outbox_relay_seconds_count", module="payments") >= 1
        assert value(expiration, "ticketing_expirations_scheduled_total") >= 1
        assert value(worker, "ticketing_expirations_fired_total") >= 1
        assert (
            value(worker, "ticketing_bus_events_published_total", subject="expiration.complete")
            >= 1
        )

    def test_every_metric_the_dashboard_queries_is_exported(self, purchase: Purchase) -> None:
        exported = set().union(*(exported_names(scrape(s)) for s in purchase.deployment.services))

        for query in queries():
            assert metric_names(query) <= exported, query

    def test_no_label_names_an_id(self, purchase: Purchase) -> None:
        for service in purchase.deployment.services:
            for family in scrape(service):
                for sample in family.samples:
                    shaped = [v for v in sample.labels.values() if ID_SHAPED.search(v)]
                    assert not shaped, f"{service.name}: {sample.name} {sample.labels}"


class TestOnePurchaseTraced:
    """The order's request in the orders process; order.created handled in three others, the
    ticket's reservation heard back in orders: one trace, handler spans children of the span
    that published their event."""

    def test_the_order_and_what_it_caused_in_other_processes_share_one_trace(
        self, purchase: Purchase
    ) -> None:
        ordering = the_order_request(purchase)
        spans = wait_for(
            lambda: purchase.traces.traced(ordering.trace_id),
            until=lambda spans: (
                heard(spans, "order.created").keys() >= ORDER_CREATED_HEARD_BY
                and "ticketing-orders" in heard(spans, "ticket.updated")
            ),
        )

        assert ordering.service == "ticketing-orders"
        for service, handling in heard(spans, "order.created").items():
            assert handling.parent_id == ordering.span_id, service
        reserved = heard(spans, "ticket.updated")["ticketing-orders"]
        assert reserved.parent_id == heard(spans, "order.created")["ticketing-tickets"].span_id

    def test_the_expiry_fired_by_the_worker_minutes_later_continues_it(
        self, purchase: Purchase
    ) -> None:
        ordering = the_order_request(purchase)
        spans = wait_for(
            lambda: purchase.traces.traced(ordering.trace_id),
            until=lambda spans: "ticketing-orders" in heard(spans, "expiration.complete"),
        )

        [expiring] = [span for span in spans if span.name == "expire order"]
        assert expiring.service == "ticketing-worker"
        assert expiring.parent_id == heard(spans, "order.created")["ticketing-expiration"].span_id
        assert heard(spans, "expiration.complete")["ticketing-orders"].parent_id == expiring.span_id

    def test_its_log_lines_name_the_trace(self, purchase: Purchase) -> None:
        handled_in_tickets = [
            line
            for line in log_lines(purchase.deployment)["tickets-1"]
            if line.get("correlation_id") == purchase.correlation_id
            and line["logger"] == "bus.delivery"
        ]

        assert handled_in_tickets
        for line in handled_in_tickets:
            assert purchase.traces.traced(line["trace_id"]), line


def the_order_request(purchase: Purchase) -> CollectedSpan:
    """The span of the buyer's accepted `POST /api/orders`: the root of the purchase's trace."""
    return wait_for(
        lambda: [
            span
            for span in purchase.traces.spans
            if span.name == "POST /api/orders"
            and span.attributes["http.response.status_code"] == 201
        ],
        until=lambda spans: len(spans) == 1,
    )[0]


ORDER_CREATED_HEARD_BY = {"ticketing-tickets", "ticketing-payments", "ticketing-expiration"}


def heard(spans: list[CollectedSpan], subject: str) -> dict[str, CollectedSpan]:
    """Each service's span handling `subject` in these spans."""
    return {
        span.service: span
        for span in spans
        if span.kind == "consumer" and span.name == f"process {subject}"
    }
