"""A split deployment logging JSON and tracing to a collector, one purchase through it under one
correlation id, and what its processes then log, export and trace, for the observability tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from app.split.deployment import Service, SplitDeployment, default_services
from tests.e2e.conftest import E2E_SETTINGS
from tests.e2e.support import User, wait_for
from tests.support.collector import Collector, collector

OBSERVED_SETTINGS = E2E_SETTINGS | {
    "TICKETING_LOG_FORMAT": "json",
    "TICKETING_LOG_LEVEL": "INFO",
    "TICKETING_TRACING": "otlp",
    "OTEL_BSP_SCHEDULE_DELAY": "100",  # ms: spans reach the collector soon
}


@dataclass(frozen=True)
class Purchase:
    deployment: SplitDeployment
    correlation_id: str
    order_id: str
    request_ids: list[str]  # the X-Request-ID of each answer
    traces: Collector


def observed_purchase(data_dir: Path) -> Iterator[Purchase]:
    """One seller's ticket bought and paid; the unpaid-looking expiry fired by the worker too."""
    with collector() as (traces, endpoint):
        split = SplitDeployment(
            data_dir,
            settings=OBSERVED_SETTINGS | {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint},
            services=default_services(orders_replicas=1),
        )
        split.start()
        try:
            yield _purchase(split, traces)
        finally:
            split.stop()


def _purchase(split: SplitDeployment, traces: Collector) -> Purchase:
    correlation_id = f"purchase-{uuid.uuid4().hex[:12]}"
    seller, buyer = User(split.base_url), User(split.base_url)
    answers: list[httpx.Response] = []
    for user in (seller, buyer):
        user.http.headers["x-request-id"] = correlation_id
        user.http.event_hooks["response"] = [answers.append]
    order = buyer.order_once_known(seller.sell())
    assert buyer.pay_once_known(order["id"]).status_code == 201
    wait_for(lambda: buyer.order_status(order["id"]), until=lambda s: s == "complete")
    # The expiry still fires after the window (expiration never hears of payments): harmless.
    wait_for(lambda: _fired(split, correlation_id), timeout=90)
    return Purchase(
        split, correlation_id, order["id"], [a.headers["x-request-id"] for a in answers], traces
    )


def _fired(split: SplitDeployment, correlation_id: str) -> bool:
    return any(
        "window of order" in line["message"]
        for line in log_lines(split)["worker-1"]
        if line.get("correlation_id") == correlation_id
    )


def log_lines(split: SplitDeployment) -> dict[str, list[dict[str, Any]]]:
    """Each process's JSON log lines (what is not JSON, like the start-up banner, is left out)."""
    return {
        path.stem: [
            json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")
        ]
        for path in sorted((split.data_dir / "logs").glob("*.log"))
    }


def scrape(service: Service) -> list[Metric]:
    answer = httpx.get(f"http://127.0.0.1:{service.port}/metrics", timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return list(text_string_to_metric_families(answer.text))


def exported_names(families: list[Metric]) -> set[str]:
    """The series names a scrape offers to queries, counted or not yet (a histogram's buckets)."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    names = {sample.name for family in families for sample in family.samples}
    for family in families:
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
    return names


def value(families: list[Metric], sample_name: str, **labels: str) -> float:
    """The sum of the samples named `sample_name` whose labels include `labels`."""
    return sum(
        sample.value
        for family in families
        for sample in family.samples
        if sample.name == sample_name and labels.items() <= sample.labels.items()
    )
